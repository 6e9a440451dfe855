package org.encodertraces.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Layer rows in the report's data: a report without them writes the same {@code report.json} as
 * before (no {@code layers} key), one with them reads back equal, their intervals are the report's,
 * and impossible rows are refused.
 */
class LayerRowTest {
    private static LayerRow row(ReportData d, int depth) {
        return new LayerRow(d.encoders().get(0).id(), depth, 2, depth == 2 ? "embedding (x)" : "block", 8, "JPEG", 0.5, 0.02, 3, 1.0 / 6,
                120, 0.8, 0.7, 40);
    }

    @Test
    void absentFromJsonWhenNoneAndReadBackWhenSome() throws Exception {
        ReportData d = SampleReports.full();
        String json = new ReportJson().toJson(d);
        assertFalse(json.contains("\"layers\""), "a report without layers keeps its JSON as it was");
        ReportData with = d.withLayers(List.of(row(d, 1), row(d, 2)), List.of(Note.layers("one note")));
        ReportData back = new ReportJson().fromJson(new ReportJson().toJson(with));
        assertEquals(with.layers(), back.layers());
        assertTrue(back.notes(Note.Section.LAYERS).stream().anyMatch(n -> n.text().equals("one note")));
    }

    @Test
    void intervalsAreTheReportsAndNonsenseIsRefused() {
        ReportData d = SampleReports.full();
        LayerRow r = row(d, 1);
        assertEquals(Intervals.withSeeds(0.5, 120, 0.02), r.accuracyInterval());
        assertEquals(0.1, r.knnGap(), 1e-12);
        Interval g = r.knnGapInterval();
        assertTrue(g.lo() < 0.1 && g.hi() > 0.1 && g.lo() > -1 && g.hi() < 1, g.toString());
        String id = d.encoders().get(0).id();
        assertThrows(IllegalArgumentException.class, () -> new LayerRow(id, 3, 2, "x", 8, "JPEG", 0.5, null, 1, 0.2, 10, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new LayerRow(id, 1, 2, "x", 8, "JPEG", 1.5, null, 1, 0.2, 10, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new LayerRow(id, 1, 2, "x", 8, "JPEG", 0.5, null, 1, 0.2, 10, 0.5, null, 10));
        assertThrows(IllegalArgumentException.class, () -> d.withLayers(List.of(new LayerRow("nobody", 1, 1, "x", 8, "JPEG", 0.5, null, 1,
                0.2, 10, null, null, null)), List.of()));
    }
}
