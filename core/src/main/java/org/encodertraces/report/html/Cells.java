package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.List;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;
import org.encodertraces.report.Note;
import org.encodertraces.report.ReportText;
import org.encodertraces.report.StudyFigure;

/** The pieces of markup several sections share: notes, the "why empty" line, encoder cells, heat cells, marks, figures. */
final class Cells {
    private Cells() {
    }

    /** A section's own notes as a list (nothing when there are none). */
    static void notes(StringBuilder b, String sectionId, List<Note> notes) {
        if (notes.isEmpty()) {
            return;
        }
        b.append("<ul class=\"notes-list\" data-section=\"").append(sectionId).append("\">\n");
        for (Note n : notes) {
            b.append("<li>").append(esc(n.text())).append("</li>\n");
        }
        b.append("</ul>\n");
    }

    /** One line saying why a section is empty: the section's own notes when it has any, else what the data shows. */
    static void absent(StringBuilder b, List<Note> notes, String what, String fallback) {
        b.append("<p class=\"absent\">No ").append(esc(what)).append(" in this run: ");
        if (notes.isEmpty()) {
            b.append(esc(fallback)).append(".</p>\n");
        } else {
            b.append("see the note above.</p>\n");
        }
    }

    /** Opens a table row of one encoder ({@code <tr class="encoder-row">}, marked when it is a yardstick). */
    static void encoderRow(StringBuilder b, EncoderInfo e) {
        b.append("<tr class=\"encoder-row").append(e.isReference() ? " yardstick" : "").append("\" data-encoder=\"")
                .append(esc(e.id())).append("\">");
    }

    /** The encoder's name with its id as tooltip, and the yardstick badge for a reference encoder. */
    static String encoder(EncoderInfo e) {
        String s = "<span title=\"" + esc(e.id()) + "\">" + esc(e.displayName()) + "</span>";
        if (e.isReference()) {
            s += " <span class=\"yardstick-badge\">yardstick</span>";
        }
        return s;
    }

    /** The encoder's family as a coloured label, in the charts' colours. */
    static String family(EncoderInfo e) {
        return "<span class=\"fam\" style=\"background:" + Charts.familyColor(e.family()) + ";color:"
                + Charts.familyInk(e.family()) + "\">" + e.family() + "</span>";
    }

    /** The background of a cell whose interval excludes chance, stronger as the effect grows (0 to 1). */
    static String heatColour(double strength) {
        return "rgba(213,94,0," + ReportText.num(Math.max(0, strength) * 0.5, 2) + ")";
    }

    /**
     * A signed-points cell with its interval; coloured only when the interval excludes zero.
     *
     * @param full the value that gets the full colour
     * @param acc whether the cell is an accuracy (class {@code acc})
     * @param s the study's figure to show beneath, or null
     * @param difference whether the study's figure is a difference (points) rather than an accuracy
     * @param n the test size, for the small-sample mark (negative: none)
     */
    static void heat(StringBuilder b, double v, Interval ci, double full, boolean acc, StudyFigure s,
                     boolean difference, int n) {
        boolean sig = ci != null && !ci.contains(0);
        b.append("<td class=\"num").append(acc ? " acc" : "").append('"');
        if (sig && v > 0) {
            b.append(" style=\"background:").append(heatColour(Math.min(1, v / full))).append('"');
        }
        b.append(" data-heat=\"").append(sig && v > 0 ? 1 : 0).append('"');
        if (ci != null) {
            b.append(" data-ci=\"").append(ReportText.num(ci.lo(), 4)).append(',').append(ReportText.num(ci.hi(), 4)).append('"');
        }
        b.append('>').append(esc(ReportText.pp(v)));
        if (ci != null) {
            b.append("<br><small class=\"ci\">").append(esc(ReportText.ciSigned(ci))).append("</small>");
        }
        if (n >= 0 && n < Intervals.SMALL_SAMPLE) {
            b.append(smallSample(n));
        }
        if (s != null) {
            b.append(studyLine(s, difference));
        }
        b.append("</td>");
    }

    /** The small-sample warning under a figure on fewer than {@link Intervals#SMALL_SAMPLE} test images. */
    static String smallSample(int n) {
        return "<br><span class=\"small-sample\" title=\"fewer than " + Intervals.SMALL_SAMPLE
                + " test images: the interval is wide\">\u26a0 small sample, n=" + n + "</span>";
    }

    /** The study's figure (or family band, or why there is none) on a line of its own under ours. */
    static String studyLine(StudyFigure s, boolean difference) {
        String kind = kind(s);
        String txt = s.isExact() ? "study " + s.cell(difference) : s.isBand() ? "study " + s.cell(difference)
                : s.absent();
        return "<br><small class=\"study-line " + kind + "\" data-study=\"" + kind + "\" title=\""
                + esc(s.isExact() || s.isBand() ? s.text(difference) : s.absent()) + "\">" + esc(txt) + "</small>";
    }

    /** {@code exact}, {@code band} or {@code none}: what a study cell holds, for its {@code data-study} attribute. */
    static String kind(StudyFigure s) {
        return s.isExact() ? "exact" : s.isBand() ? "band" : "none";
    }

    /** A chart with its SVG and PNG export buttons. */
    static void figure(StringBuilder b, String svg, String id) {
        b.append("<figure>").append(svg).append("<figcaption class=\"export\">Export: <button type=\"button\" ")
                .append("data-chart=\"").append(esc(id)).append("\" data-format=\"svg\">SVG</button> <button ")
                .append("type=\"button\" data-chart=\"").append(esc(id)).append("\" data-format=\"png\">PNG</button>")
                .append("</figcaption></figure>\n");
    }
}
