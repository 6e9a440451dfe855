package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import org.encodertraces.report.ReportTables;

/** "Tables for papers": a link to each table of the page as CSV and LaTeX ({@link ReportTables}), written beside it. */
final class ExportsSection implements PageSection {
    @Override
    public String id() {
        return "exports";
    }

    @Override
    public String navTitle() {
        return "Tables for papers";
    }

    @Override
    public void render(Page p, StringBuilder b) {
        b.append("<section id=\"exports\">\n<h2>Tables for papers</h2>\n<p class=\"explain\">Each table of this page")
                .append(" is written beside it as CSV and as a LaTeX <code>booktabs</code> table (with")
                .append(" <code>\\usepackage{booktabs}</code>); each chart exports as SVG or PNG from the buttons")
                .append(" below it.</p>\n<ul>\n");
        for (ReportTables.Table t : ReportTables.of(p.data(), p.paper(), p.comparison())) {
            b.append("<li>").append(esc(t.name())).append(": <a href=\"table-").append(esc(t.name()))
                    .append(".csv\">CSV</a> \u00b7 <a href=\"table-").append(esc(t.name())).append(".tex\">LaTeX</a> (")
                    .append(t.rows().size()).append(" rows)</li>\n");
        }
        b.append("</ul>\n</section>\n");
    }
}
