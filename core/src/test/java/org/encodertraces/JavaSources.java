package org.encodertraces;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's Java files as the layout rules read them: which module and package each file
 * is in, and its code with comments and string literals blanked out (so that a Javadoc link or a
 * codec's name in a provenance string is not taken for a dependency). Tests run from the
 * repository root (surefire's working directory), where {@code core/}, {@code train/} and
 * {@code spark/} are.
 */
final class JavaSources {
    /** The Maven modules whose sources the rules cover. */
    static final List<String> MODULES = List.of("core", "train", "spark");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
    /** A reference to one of our classes: lower-case package segments, then a class name (or * in an import). */
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.encodertraces((?:\\.[a-z][a-z0-9_]*)*)\\.([A-Z]\\w*|\\*)");

    /** One source file. {@code pkg} is the package under {@code org.encodertraces} ("" for the root). */
    record Source(String module, Path file, String pkg, String className, String code) {
        /** The packages (under org.encodertraces) of the classes this file names in code, with the class. */
        List<String[]> references() {
            List<String[]> out = new ArrayList<>();
            Matcher m = REFERENCE.matcher(code);
            while (m.find()) {
                out.add(new String[] {m.group(1).isEmpty() ? "" : m.group(1).substring(1), m.group(2)});
            }
            return out;
        }

        /** module:file, for messages. */
        String where() {
            return module + ":" + file;
        }
    }

    private JavaSources() {
    }

    /** Every main (non-test) Java file of the modules. */
    static List<Source> main() {
        return read("main");
    }

    /** Every test Java file of the modules. */
    static List<Source> test() {
        return read("test");
    }

    private static List<Source> read(String set) {
        List<Source> out = new ArrayList<>();
        for (String module : MODULES) {
            Path root = Path.of(module, "src", set, "java");
            if (!Files.isDirectory(root)) {
                throw new IllegalStateException("no " + root.toAbsolutePath() + ": the rules must run from the repository root");
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    String text = Files.readString(f);
                    String code = blankCommentsAndStrings(text);
                    Matcher m = PACKAGE.matcher(code);
                    String pkg = m.find() ? m.group(1) : "";
                    if (!pkg.equals("org.encodertraces") && !pkg.startsWith("org.encodertraces.")) {
                        throw new IllegalStateException(f + " is in package '" + pkg + "', outside org.encodertraces");
                    }
                    String name = f.getFileName().toString();
                    out.add(new Source(module, f, pkg.equals("org.encodertraces") ? "" : pkg.substring("org.encodertraces.".length()),
                            name.substring(0, name.length() - ".java".length()), code));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The packages (under org.encodertraces) that hold main sources, in any module. */
    static Set<String> packages(List<Source> sources) {
        Set<String> out = new TreeSet<>();
        for (Source s : sources) {
            if (!s.className().equals("package-info")) {
                out.add(s.pkg());
            }
        }
        return out;
    }

    /**
     * The text with every comment and every string, text-block and character literal replaced by
     * spaces (line breaks kept), so that only code is left to search.
     */
    static String blankCommentsAndStrings(String s) {
        StringBuilder b = new StringBuilder(s);
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            int end;
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                end = s.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                end = s.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (s.startsWith("\"\"\"", i)) {
                end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                end = i + 1;
                while (end < n && s.charAt(end) != c && s.charAt(end) != '\n') {
                    end += s.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
            } else {
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                if (b.charAt(k) != '\n') {
                    b.setCharAt(k, ' ');
                }
            }
            i = end;
        }
        return b.toString();
    }
}
