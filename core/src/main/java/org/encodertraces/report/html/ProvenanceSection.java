package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.Map;
import org.encodertraces.provenance.ToolInfo;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.ReportData;

/**
 * The provenance appendix, collapsed: every encoder with its model hash, where the study's figures
 * were read from (with their hashes and task aliases), the run's own provenance and the platform
 * that rendered the page.
 */
final class ProvenanceSection implements PageSection {
    /** Nesting deeper than this is cut short, so that a cyclic or absurd value cannot run away. */
    private static final int MAX_DEPTH = 32;

    @Override
    public String id() {
        return "provenance";
    }

    @Override
    public String navTitle() {
        return "Provenance";
    }

    @Override
    public void render(Page p, StringBuilder b) {
        ReportData data = p.data();
        b.append("<section id=\"provenance\">\n<h2>Provenance</h2>\n<details>\n<summary>Every input, model hash,")
                .append(" parameter, seed, version and codec</summary>\n");
        b.append("<h3>Encoders</h3>\n<div class=\"wide\"><table>\n<thead><tr><th>Id</th><th>Name</th><th>Family</th><th>Study name</th>")
                .append("<th>Dim</th><th>Model sha256</th></tr></thead>\n<tbody>\n");
        for (EncoderInfo e : data.encoders()) {
            b.append("<tr><td><code>").append(esc(e.id())).append("</code></td><td>").append(esc(e.displayName()))
                    .append("</td><td>").append(e.family()).append("</td><td>")
                    .append(e.studyName() == null ? "\u2014 (not in the study)" : esc(e.studyName()))
                    .append("</td><td class=\"num\">").append(e.embeddingDim()).append("</td><td><code>")
                    .append(e.modelSha256() == null ? "\u2014" : esc(e.modelSha256())).append("</code></td></tr>\n");
        }
        b.append("</tbody>\n</table></div>\n<h3>Study figures</h3>\n");
        if (p.paper() == null) {
            b.append("<p>Not loaded.</p>\n");
        } else {
            b.append("<p>Read from <code>").append(esc(p.paper().source())).append("</code>. Processing probes and kNN")
                    .append(" compared with dataset <b>").append(esc(p.comparison().processingDataset()))
                    .append("</b>. Task aliases (ours \u2192 study's):</p>\n<ul>\n");
            for (Map.Entry<String, String> a : p.comparison().taskAliases().entrySet()) {
                b.append("<li><code>").append(esc(a.getKey())).append("</code> \u2192 <code>").append(esc(a.getValue()))
                        .append("</code></li>\n");
            }
            b.append("</ul>\n<div class=\"wide\"><table>\n<thead><tr><th>File</th><th>sha256</th></tr></thead>\n<tbody>\n");
            for (Map.Entry<String, String> f : p.paper().fileSha256().entrySet()) {
                b.append("<tr><td><code>").append(esc(f.getKey())).append("</code></td><td><code>")
                        .append(esc(f.getValue())).append("</code></td></tr>\n");
            }
            b.append("</tbody>\n</table></div>\n");
        }
        b.append("<h3>Run</h3>\n");
        if (data.provenance().isEmpty()) {
            b.append("<p class=\"absent\">The run recorded no provenance.</p>\n");
        } else {
            value(b, data.provenance(), 0);
        }
        b.append("<h3>Report rendered by</h3>\n");
        value(b, ToolInfo.platform(), 0);
        b.append("</details>\n</section>\n");
    }

    /** A value of any nesting: maps as definition lists, lists as ordered lists, the rest as code. */
    private static void value(StringBuilder b, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            b.append("<code>\u2026</code>");
            return;
        }
        if (v instanceof Map<?, ?> m) {
            b.append("<dl class=\"prov\">\n");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append("<dt>").append(esc(e.getKey())).append("</dt><dd>");
                value(b, e.getValue(), depth + 1);
                b.append("</dd>\n");
            }
            b.append("</dl>\n");
        } else if (v instanceof Iterable<?> list) {
            b.append("<ol class=\"prov\">\n");
            for (Object o : list) {
                b.append("<li>");
                value(b, o, depth + 1);
                b.append("</li>\n");
            }
            b.append("</ol>\n");
        } else {
            b.append("<code>").append(v == null ? "null" : esc(v)).append("</code>");
        }
    }
}
