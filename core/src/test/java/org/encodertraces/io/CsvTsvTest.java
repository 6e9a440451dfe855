package org.encodertraces.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one CSV and TSV cell writer: numbers stay numbers, formulas become text, and both read back. */
class CsvTsvTest {
    @Test
    void textThatASpreadsheetWouldRunIsGuardedNumbersAreNot() {
        assertEquals("'=1+1", Csv.field("=1+1"));
        assertEquals("'@SUM(A1)", Csv.field("@SUM(A1)"));
        assertEquals("'+cmd|' /C calc'!A0", Csv.field("+cmd|' /C calc'!A0"));
        assertEquals("'-2+3+cmd", Csv.field("-2+3+cmd"));
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\", \"\"y\"\")\"", Csv.field("=HYPERLINK(\"http://x\", \"y\")"));
        assertEquals("\"'+5.5 [+0.5, +10.8]\"", Csv.field("+5.5 [+0.5, +10.8]"), "a figure with its interval is text");
        assertEquals("-0.5", Csv.field("-0.5"));
        assertEquals("+12%", Csv.field("+12%"));
        assertEquals("-1.5e-05", Csv.field("-1.5e-05"));
        assertEquals("-0.5", Csv.field(-0.5));
        assertEquals("-3", Csv.field(-3));
        assertEquals("plain", Csv.field("plain"));
        assertEquals("'quoted", Csv.field("'quoted"), "an apostrophe before ordinary text is left alone");
        assertEquals("''=x", Csv.field("'=x"), "and gets one more before formula text, so it reads back");
    }

    @Test
    void csvCellsReadBackExactly() {
        List<String> cells = List.of("=1+1", "'=x", "'quoted", "-0.5", "a,b", "say \"hi\"", "+5.5 [+0.5, +10.8]", "", "@x");
        assertEquals(cells, Csv.parse(Csv.line(cells.toArray()).stripTrailing()));
    }

    @Test
    void tsvCellsWithTabsNewlinesAndBackslashesStayOneRecord() {
        List<String> cells = List.of("a\tb", "line\nbreak", "cr\rhere", "back\\slash", "\\t literally", "");
        String line = Tsv.line(cells.toArray());
        assertEquals(1, line.lines().count());
        assertEquals(cells.size() - 1, line.chars().filter(c -> c == '\t').count());
        assertEquals(cells, Tsv.split(line.substring(0, line.length() - 1)));
        assertEquals("a\\tb\tline\\nbreak\n", Tsv.line("a\tb", "line\nbreak"));
    }

    @Test
    void numbersThatRoundToWholeAtSixDigitsKeepOneZero() {
        // was "1." and "-3.": a Wilson upper bound just below 1 read as a malformed number
        assertEquals("1.0", Csv.num(0.9999996));
        assertEquals("-3.0", Csv.num(-2.9999999));
        assertEquals("1.0", Csv.num(1.0));
        assertEquals("0.438503", Csv.num(0.4385026));
        assertEquals("0.5", Csv.num(0.5));
        assertEquals("1.00000e-05", Csv.num(1e-5));
    }
}
