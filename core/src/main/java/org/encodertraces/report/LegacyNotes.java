package org.encodertraces.report;

import java.util.Locale;

/**
 * The section of a note in a {@code report.json} written before notes carried their section, where
 * {@code notes} is a list of plain strings. Such a file says nothing but the words, so they decide,
 * exactly as the page decided then: a report of that time renders as it did. Notes made today carry
 * their {@link Note.Section} from where they are made and never come here.
 */
final class LegacyNotes {
    private LegacyNotes() {
    }

    /** The section an old note was shown under, read from its words (acquisition before the generic "probe"). */
    static Note.Section section(String note) {
        String l = note.toLowerCase(Locale.ROOT);
        if (l.contains("eraser") || l.contains("erasure")) {
            return Note.Section.ERASURE;
        }
        if (l.contains("dataset audit") || l.contains("cram\u00e9r") || l.contains("cramer")) {
            return Note.Section.AUDIT;
        }
        if (l.contains("acquisition") || l.contains("exif") || l.contains("attribute")) {
            return Note.Section.ACQUISITION;
        }
        if (l.contains("retrieval") || l.contains("paircams") || l.contains("pairs")) {
            return Note.Section.RETRIEVAL;
        }
        if (l.contains("knn") || l.contains("neighbo")) {
            return Note.Section.KNN;
        }
        if (l.contains("probe") || l.contains("processing")) {
            return Note.Section.PROCESSING;
        }
        return Note.Section.GENERAL;
    }
}
