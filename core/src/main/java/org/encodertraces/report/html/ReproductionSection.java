package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.List;
import org.encodertraces.report.Reproduction;

/** Our figures against the study's for each of the study's own encoders in the run ({@link Reproduction}). */
final class ReproductionSection implements PageSection {
    @Override
    public String id() {
        return "reproduction";
    }

    @Override
    public String navTitle() {
        return "Reproduction";
    }

    @Override
    public void render(Page p, StringBuilder b) {
        b.append("<section id=\"reproduction\">\n<h2>Reproduction</h2>\n<p class=\"explain\">Our figures against the")
                .append(" study's for every one of the study's encoders in this run, with the difference and whether")
                .append(" the study's figure lies within our 95% interval.</p>\n");
        List<List<String>> rows = Reproduction.rows(p.data(), p.study());
        if (rows.isEmpty()) {
            b.append("<p class=\"absent\">No reproduction in this run: ").append(p.paper() == null
                    ? "the study's figures were not loaded" : "none of its encoders is one of the study's 47 (the"
                    + " family bands stand in for them)").append(".</p>\n</section>\n");
            return;
        }
        b.append("<div class=\"wide\"><table>\n<thead><tr><th>Encoder</th><th>Experiment</th><th>Ours</th><th>95% CI</th>")
                .append("<th class=\"study\">Study</th><th>Ours \u2212 study</th><th>Study within our CI</th></tr></thead>\n")
                .append("<tbody>\n");
        for (List<String> r : rows) {
            b.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                b.append(i >= 2 ? "<td class=\"num" + (i == 4 ? " study" : "") + "\">" : "<td>").append(esc(r.get(i)))
                        .append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }
}
