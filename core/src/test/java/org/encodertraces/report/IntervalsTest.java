package org.encodertraces.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The interval formulas against published values: Wilson (1927) as in Newcombe (1998) Table I,
 * and Newcombe's hybrid score difference (method 10) for his worked example; tolerance 1e-4.
 */
class IntervalsTest {
    @Test
    void wilsonMatchesNewcombesTable() {
        // Newcombe 1998, Statistics in Medicine 17:857, Table II, method 3 (score without continuity correction)
        Interval a = Intervals.wilson(81 / 263.0, 263);
        assertEquals(0.2553, a.lo(), 1e-4);
        assertEquals(0.3662, a.hi(), 1e-4);
        Interval b = Intervals.wilson(15 / 148.0, 148);
        assertEquals(0.0624, b.lo(), 1e-4);
        assertEquals(0.1605, b.hi(), 1e-4);
        Interval zero = Intervals.wilson(0, 10);
        assertEquals(0, zero.lo(), 1e-12);
        assertEquals(0.2775, zero.hi(), 1e-4);
    }

    @Test
    void newcombeDifferenceMatchesHisExample() {
        // Newcombe 1998, Statistics in Medicine 17:873, example (a) 56/70 - 48/80, method 10: 0.0524 to 0.3339
        double p1 = 56 / 70.0;
        double p2 = 48 / 80.0;
        Interval d = Intervals.difference(p1, Intervals.wilson(p1, 70), p2, Intervals.wilson(p2, 80));
        assertEquals(0.0524, d.lo(), 1e-4);
        assertEquals(0.3339, d.hi(), 1e-4);
    }

    @Test
    void seedSpreadWidensTheInterval() {
        Interval plain = Intervals.withSeeds(0.6, 200, null);
        Interval spread = Intervals.withSeeds(0.6, 200, 0.05);
        assertTrue(spread.lo() < plain.lo() && spread.hi() > plain.hi(), plain + " vs " + spread);
        assertEquals(plain, Intervals.withSeeds(0.6, 200, 0.0));
    }

    @Test
    void sixteenPhotosAtSixtyTwoPointFiveIncludeChanceOfFifty() {
        Interval i = Intervals.withSeeds(0.625, 16, 0.0);
        assertTrue(i.contains(0.5), i.toString());
        assertEquals("[38.6, 81.5]", ReportText.ci(i));
    }

    @Test
    void noNegativeZero() {
        assertEquals("0.0 pp", ReportText.pp(-0.0004));
        assertEquals("0.0", ReportText.signed(-1e-17));
        assertEquals("\u22121.9 pp", ReportText.pp(-0.019));
        assertEquals("+1.9 pp", ReportText.pp(0.019));
        assertEquals("0.0", ReportText.pctNum(-0.0001));
    }
}
