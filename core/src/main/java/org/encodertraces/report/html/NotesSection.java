package org.encodertraces.report.html;

import org.encodertraces.report.Note;

/** The notes about the run as a whole, at the head of the page; absent when there are none. */
final class NotesSection implements PageSection {
    @Override
    public boolean auditSection() {
        return false;
    }

    @Override
    public String id() {
        return "notes";
    }

    @Override
    public String navTitle() {
        return null;
    }

    @Override
    public boolean shown(Page p) {
        return !p.notes(Note.Section.GENERAL).isEmpty();
    }

    @Override
    public void render(Page p, StringBuilder b) {
        b.append("<section id=\"notes\" class=\"notes\">\n<h2>Notes</h2>\n");
        Cells.notes(b, id(), p.notes(Note.Section.GENERAL));
        b.append("</section>\n");
    }
}
