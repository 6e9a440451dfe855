package org.encodertraces.report;

/**
 * What the report sets beside one of our figures from the study: the study's own figure for the
 * same encoder, the range over the study's encoders of the same family (a band), or nothing, with
 * the reason. Values are fractions (accuracies, recalls) or fraction differences (gaps, changes).
 *
 * @param source where the figure comes from, such as {@code study, ImageNet}
 * @param value the study's figure for the same encoder, or null
 * @param studyName the study's name of that encoder, or null
 * @param range the family's range when there is no figure for the encoder itself, or null
 * @param absent why neither is shown, or null
 */
public record StudyFigure(String source, Double value, String studyName, PaperResults.Range range, String absent) {
    /** The study's figure for the encoder itself. */
    static StudyFigure exact(String source, double value, String studyName) {
        return new StudyFigure(source, value, studyName, null, null);
    }

    /** The family band. */
    static StudyFigure band(String source, PaperResults.Range range) {
        return new StudyFigure(source, null, null, range, null);
    }

    /** Nothing to show, and why. */
    static StudyFigure none(String source, String why) {
        return new StudyFigure(source, null, null, null, why);
    }

    /**
     * The same figure as points above the study's chance level ({@code value - chance}, the band shifted
     * alike), to sit beside our own accuracy above chance; the source says so. Null chance: unchanged.
     */
    public StudyFigure aboveChance(Double chance) {
        if (chance == null || absent != null) {
            return this;
        }
        String src = source + ", points above its chance of " + ReportText.pct(chance);
        if (value != null) {
            return new StudyFigure(src, value - chance, studyName, null, null);
        }
        return new StudyFigure(src, null, null, new PaperResults.Range(range.group(), range.min() - chance, range.mean() - chance,
                range.max() - chance, range.encoders()), null);
    }

    /** Whether the study's figure for this very encoder is known. */
    public boolean isExact() {
        return value != null;
    }

    /** Whether a family band is shown. */
    public boolean isBand() {
        return range != null;
    }

    /**
     * The figure in words, such as {@code study, ImageNet: 64.8%} or
     * {@code study, ImageNet, SUP (11 encoders): 21.0–75.0%, mean 42.0%}.
     *
     * @param difference true when the values are differences (printed in signed points)
     */
    public String text(boolean difference) {
        if (value != null) {
            return source + ": " + fmt(value, difference);
        }
        if (range != null) {
            return source + ", " + range.group() + " (" + range.encoders() + " encoders): " + fmt(range.min(), difference)
                    + " to " + fmt(range.max(), difference) + ", mean " + fmt(range.mean(), difference);
        }
        return absent;
    }

    /** A compact form for table cells, such as {@code 64.8%} or {@code SUP 21.0–75.0 (mean 42.0)}. */
    public String cell(boolean difference) {
        if (value != null) {
            return fmt(value, difference);
        }
        if (range != null) {
            return range.group() + " " + num(range.min(), difference) + (difference ? " to " : "\u2013")
                    + num(range.max(), difference)
                    + " (mean " + num(range.mean(), difference) + ")";
        }
        return "\u2014";
    }

    private static String fmt(double v, boolean difference) {
        return difference ? ReportText.pp(v) : ReportText.pct(v);
    }

    private static String num(double v, boolean difference) {
        return difference ? ReportText.signed(v) : ReportText.pctNum(v);
    }
}
