package org.encodertraces.report.html;

/**
 * One section of the page: its anchor, its link in the navigation and how it renders. A section
 * whose experiment did not run still renders, with one line saying why (its own notes, else what
 * the data shows), unless {@link #shown} leaves it out of the page altogether.
 */
interface PageSection {
    /** The element id, which the navigation links to. */
    String id();

    /** The link text in the navigation, or null for a section the navigation leaves out. */
    String navTitle();

    /** Whether the page has this section; most are always there. */
    default boolean shown(Page p) {
        return true;
    }

    /**
     * Whether the section reports an audit's data: a page made only of result documents (no audit)
     * leaves such sections out rather than showing them empty.
     */
    default boolean auditSection() {
        return true;
    }

    /** Appends the section's HTML. */
    void render(Page p, StringBuilder b);
}
