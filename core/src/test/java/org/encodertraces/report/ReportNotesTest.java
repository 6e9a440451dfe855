package org.encodertraces.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.encodertraces.TestData;
import org.encodertraces.report.html.HtmlReport;
import org.junit.jupiter.api.Test;

/** Notes carry the section they belong to, in memory, in report.json and on the page; older files still read. */
class ReportNotesTest {
    /** A report.json of the earlier format lists notes as strings: each reads into the section the page gave it then. */
    @Test
    void notesOfAnEarlierReportJsonReadIntoTheSectionsThePageGaveThem() throws Exception {
        ReportJson json = new ReportJson();
        ReportData old = json.read(TestData.fixture("report/sample-report.json"));
        assertEquals(List.of(Note.Section.GENERAL, Note.Section.PROCESSING, Note.Section.ACQUISITION, Note.Section.KNN,
                Note.Section.RETRIEVAL, Note.Section.ERASURE, Note.Section.AUDIT), old.notes().stream().map(Note::section).toList());
        assertEquals("dataset audit: class vs Make, Cram\u00e9r's V 0.42, is driven by Canon (tulips)", old.notes().get(6).text());
        String text = json.toJson(old);
        assertTrue(text.contains("\"section\" : \"ERASURE\",\n    \"text\" : \"eraser leace:jpeg not evaluated on clip-vit-b16"), text);
        assertEquals(old, json.fromJson(text), "written with its sections, read back the same");
    }

    /** Words that name another section do not move a note: the section it was made with decides. */
    @Test
    void aNoteRendersUnderTheSectionItWasMadeWithWhateverItsWords() {
        ReportData d = SampleReports.probesOnly();
        List<Note> notes = new ArrayList<>(d.notes());
        notes.add(Note.general("images failed to embed: 2 (file and reason in embeddings/exif-pairs-knn__<OP>__m.failures.tsv)"));
        notes.add(Note.audit("acquisition labels: the probe of processing and the kNN neighbours are not what this note is about"));
        ReportData withNotes = new ReportData(d.title(), d.created(), d.dataset(), d.encoders(), d.probes(), d.knn(), d.retrieval(),
                d.audit(), notes, d.provenance());
        String html = HtmlReport.render(withNotes, null, null);
        int general = html.indexOf("<section id=\"notes\" class=\"notes\">");
        int failed = html.indexOf("<li>images failed to embed: 2");
        assertTrue(general > 0 && failed > general && failed < html.indexOf("<section id=\"headline\">"), "a run note heads the page");
        int audit = html.indexOf("<section id=\"audit\">");
        int labels = html.indexOf("<li>acquisition labels: the probe of processing");
        assertTrue(audit > 0 && labels > audit && labels < html.indexOf("<section id=\"exports\">"), "an audit note sits under the audit");
        assertTrue(html.contains("<ul class=\"notes-list\" data-section=\"audit\">"));
        assertTrue(html.contains("No dataset audit in this run: see the note above."), "the audit's own note says why it is empty");
        assertEquals(1, ReportDataTest.count(html, "images failed to embed: 2"), "each note once");
    }
}
