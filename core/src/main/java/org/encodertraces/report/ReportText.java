package org.encodertraces.report;

import java.util.Locale;

/**
 * How every output of the report writes its figures (page, charts, Markdown, CSV and LaTeX tables):
 * percentages with one decimal, signed percentage points with a true minus sign, 95% intervals in
 * brackets, a retrieval change read aloud. One place, so that the outputs agree to the character.
 */
public final class ReportText {
    private ReportText() {
    }

    /** A fraction as a percentage with one decimal, such as {@code 62.3%}. */
    public static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    /** A fraction as percentage without the sign, such as {@code 62.3}; never {@code -0.0}. */
    public static String pctNum(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v * 100);
        return s.equals("-0.0") ? "0.0" : s;
    }

    /** A difference of fractions in signed percentage points, such as {@code +4.2 pp}; never {@code -0.0}. */
    public static String pp(double v) {
        return signed(v) + " pp";
    }

    /**
     * A difference of fractions as signed percentage points without unit, such as {@code +4.2} or
     * {@code \u22121.9}, with a true minus sign; a value that rounds to zero prints as {@code 0.0}.
     */
    public static String signed(double v) {
        return signedNumber(v * 100, 1);
    }

    /** A signed number with a true minus sign and no {@code -0.0}. */
    public static String signedNumber(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v));
        if (s.matches("0(\\.0+)?")) {
            return s;
        }
        return (v < 0 ? "\u2212" : "+") + s;
    }

    /** A 95% interval of fractions in percent, such as {@code [58.1, 66.2]}. */
    public static String ci(Interval i) {
        return "[" + pctNum(i.lo()) + ", " + pctNum(i.hi()) + "]";
    }

    /** A 95% interval of differences in signed points, such as {@code [\u22121.2, +3.4]}. */
    public static String ciSigned(Interval i) {
        return "[" + signed(i.lo()) + ", " + signed(i.hi()) + "]";
    }

    /** A plain number with a fixed number of decimals. */
    public static String num(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /**
     * How recall@1 moves from other-device to own-device distractors, such as
     * {@code 1.9% → 0.0%: −1.9 pp (−100%) collapse, from chance level}: a collapse when the own-device
     * recall falls to a tenth or less, from chance level when the other-device recall's interval holds chance.
     */
    public static String retrievalChange(RetrievalRow r) {
        Interval other = Intervals.recall(r, r.recallAt1OtherDevice());
        boolean fromChance = other != null && r.chance(1) != null && other.contains(r.chance(1));
        return pct(r.recallAt1OtherDevice()) + " \u2192 " + pct(r.recallAt1QueryDevice()) + ": "
                + pp(-r.drop()) + " (" + relativeChange(r) + ")" + (collapse(r) ? " collapse" : "")
                + (collapse(r) && fromChance ? ", from chance level" : "");
    }

    /** The change relative to the other-device recall, such as {@code −100%}; {@code n/a} from zero. */
    public static String relativeChange(RetrievalRow r) {
        if (r.recallAt1OtherDevice() <= 0) {
            return "n/a from 0%";
        }
        return signedNumber(-r.drop() / r.recallAt1OtherDevice() * 100, 0) + "%";
    }

    private static boolean collapse(RetrievalRow r) {
        return r.recallAt1OtherDevice() > 0 && r.recallAt1QueryDevice() <= 0.1 * r.recallAt1OtherDevice();
    }
}
