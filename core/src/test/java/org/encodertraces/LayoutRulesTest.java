package org.encodertraces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dependency rule of docs/architecture.md, checked on the sources of core, train and spark:
 * data moves one way, so a package knows only the packages of the layers before it (and of its
 * own layer, without cycles); library code never prints or exits; every package says what it owns
 * in a package-info.java. A new package must be given a layer in {@link #LAYERS} (and a line in
 * docs/architecture.md) before this passes: where it sits is a decision, not an accident.
 */
class LayoutRulesTest {
    /**
     * The layers, first to last: a package's layer is that of its first segment under
     * org.encodertraces ({@code encoder.hub} is {@code encoder}); a package named {@code cli} or
     * ending in {@code .cli} is the command line, the last layer.
     */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("io", "rng", "linalg", "provenance", "result"), // foundations: files, random draws, matrices, what made an artifact, result documents
            Set.of("image"),                              // pixels: decoding, codecs, resampling
            Set.of("process", "exif"),                    // what was done to a photo, and what the camera recorded
            Set.of("data", "encoder"),                    // datasets and labels; encoders and their preprocessing
            Set.of("embed"),                              // embedding sets: the pipeline and the format
            Set.of("validity"),                           // the rules every figure obeys
            Set.of("probe", "knn", "erase"),              // experiments on embedding sets
            Set.of("report"),                             // results model and report rendering
            Set.of("audit", "bench", "train", "spark"),   // what runs the stages above: audit, benchmarks, training, cluster jobs
            Set.of("cli"));                               // the traces command and its subcommands

    /** Main classes that a launcher starts, which hand their arguments to the CLI and exit with its status. */
    static final Set<String> ENTRY_POINTS = Set.of("spark.SparkMain");

    private static final Pattern PRINTS_OR_EXITS = Pattern.compile(
            "\\bSystem\\s*\\.\\s*(out|err)\\b|\\bSystem\\s*\\.\\s*exit\\s*\\(|\\.\\s*printStackTrace\\s*\\(|\\bRuntime\\s*\\.\\s*getRuntime\\s*\\(\\s*\\)\\s*\\.\\s*(halt|exit)\\s*\\(");

    static boolean isCli(String pkg) {
        return pkg.equals("cli") || pkg.endsWith(".cli");
    }

    /** The unit a package belongs to: its first segment, or the whole name for a CLI package. */
    static String unit(String pkg) {
        if (isCli(pkg)) {
            return pkg;
        }
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    /** The layer of a package, or -1 when the table does not place it. */
    static int layer(String pkg) {
        if (isCli(pkg)) {
            return LAYERS.size() - 1;
        }
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(unit(pkg))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean entryPoint(JavaSources.Source s) {
        return ENTRY_POINTS.contains(s.pkg() + "." + s.className());
    }

    @Test
    void everyPackageHasALayer() {
        List<String> unplaced = new ArrayList<>();
        for (String pkg : JavaSources.packages(JavaSources.main())) {
            if (!pkg.isEmpty() && layer(pkg) < 0) {
                unplaced.add("org.encodertraces." + pkg);
            }
        }
        assertEquals(List.of(), unplaced, "packages with no layer in LayoutRulesTest.LAYERS (and docs/architecture.md)");
    }

    /**
     * A package references only packages of earlier layers or its own: image knows no processing
     * operation, encoder or dataset; no experiment knows the report or the audit; nothing but the
     * command line knows the command line (SparkMain, spark-submit's main class, excepted).
     */
    @Test
    void packagesKnowOnlyTheLayersBeforeThem() {
        List<String> broken = new ArrayList<>();
        for (JavaSources.Source s : JavaSources.main()) {
            if (entryPoint(s)) {
                continue;
            }
            int mine = layer(s.pkg());
            Set<String> seen = new TreeSet<>();
            for (String[] ref : s.references()) {
                int theirs = layer(ref[0]);
                if (theirs > mine && seen.add(ref[0])) {
                    broken.add(s.where() + " (" + name(mine) + ") refers to org.encodertraces." + ref[0] + "." + ref[1]
                            + " (" + name(theirs) + ")");
                }
            }
        }
        assertEquals(List.of(), broken, "references that run against the flow");
    }

    /** Between units (encoder with its hub, onnx and builtin; each module's share of a split package apart), no cycles. */
    @Test
    void noCyclesBetweenPackages() {
        List<JavaSources.Source> sources = JavaSources.main();
        Map<String, String> moduleOfClass = new HashMap<>();
        for (JavaSources.Source s : sources) {
            moduleOfClass.put(s.pkg() + "." + s.className(), s.module());
        }
        Map<String, Set<String>> edges = new TreeMap<>();
        for (JavaSources.Source s : sources) {
            String from = s.module() + ":" + unit(s.pkg());
            edges.computeIfAbsent(from, k -> new TreeSet<>());
            for (String[] ref : s.references()) {
                String module = moduleOfClass.getOrDefault(ref[0] + "." + ref[1], s.module());
                String to = module + ":" + unit(ref[0]);
                if (!to.equals(from) && !ref[0].isEmpty()) {
                    edges.get(from).add(to);
                }
            }
        }
        List<String> cycle = findCycle(edges);
        assertTrue(cycle.isEmpty(), "a cycle between packages: " + String.join(" -> ", cycle));
    }

    /** Library code never prints and never exits: only the command line (and the launchers' main classes) may. */
    @Test
    void libraryCodeNeverPrintsOrExits() {
        List<String> broken = new ArrayList<>();
        for (JavaSources.Source s : JavaSources.main()) {
            if (isCli(s.pkg()) || entryPoint(s)) {
                continue;
            }
            Matcher m = PRINTS_OR_EXITS.matcher(s.code());
            while (m.find()) {
                int line = 1 + (int) s.code().substring(0, m.start()).chars().filter(c -> c == '\n').count();
                broken.add(s.where() + ":" + line + ": " + m.group().replaceAll("\\s+", ""));
            }
        }
        assertEquals(List.of(), broken, "library code that prints or exits (return or throw instead; the CLI reports)");
    }

    /** Every package says what it owns, what it must not know and where to start, in its package-info.java. */
    @Test
    void everyPackageHasAPackageInfo() {
        List<JavaSources.Source> sources = JavaSources.main();
        Map<String, Set<String>> modulesOf = new LinkedHashMap<>();
        Set<String> documented = new TreeSet<>();
        for (JavaSources.Source s : sources) {
            if (s.className().equals("package-info")) {
                documented.add(s.module() + ":" + s.pkg());
            } else {
                modulesOf.computeIfAbsent(s.pkg(), k -> new TreeSet<>()).add(s.module());
            }
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : modulesOf.entrySet()) {
            // a package split over modules (train's and spark's share of cli today) is documented once, where it starts
            boolean any = e.getValue().stream().anyMatch(m -> documented.contains(m + ":" + e.getKey()));
            if (!any) {
                missing.add("org.encodertraces." + e.getKey() + " (" + String.join(", ", e.getValue()) + ")");
            }
        }
        assertEquals(List.of(), missing, "packages without a package-info.java");
    }

    /**
     * docs/architecture.md names every package (as {@code `encoder.hub`}), so the layout it documents
     * is the one in the sources.
     */
    @Test
    void everyPackageIsInTheArchitectureDoc() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs", "architecture.md"));
        List<String> missing = new ArrayList<>();
        for (String pkg : JavaSources.packages(JavaSources.main())) {
            if (!pkg.isEmpty() && !doc.contains("`" + pkg + "`")) {
                missing.add(pkg);
            }
        }
        assertEquals(List.of(), missing, "packages docs/architecture.md does not name (add a row to its table of packages)");
    }

    /**
     * Every {@code {@link ...}} of a package-info.java names a class that exists (same package by simple
     * name, any other fully qualified), so that a class renamed or split leaves no stale pointer behind.
     */
    @Test
    void packageInfoLinksNameExistingClasses() throws java.io.IOException {
        List<JavaSources.Source> sources = JavaSources.main();
        Set<String> classes = new TreeSet<>();
        for (JavaSources.Source s : sources) {
            classes.add(s.pkg() + "." + s.className());
        }
        Pattern link = Pattern.compile("\\{@link(?:plain)?\\s+([\\w.]+)");
        List<String> broken = new ArrayList<>();
        for (JavaSources.Source s : sources) {
            if (!s.className().equals("package-info")) {
                continue;
            }
            Matcher m = link.matcher(java.nio.file.Files.readString(s.file()));
            while (m.find()) {
                String target = m.group(1);
                String full = target.startsWith("org.encodertraces.") ? target.substring("org.encodertraces.".length())
                        : s.pkg() + "." + target;
                if (!target.startsWith("java.") && !classes.contains(full)) {
                    broken.add(s.where() + ": {@link " + target + "}");
                }
            }
        }
        assertEquals(List.of(), broken, "package-info links to classes that do not exist");
    }

    private static String name(int layer) {
        return layer < 0 ? "no layer" : "layer " + layer + " " + new TreeSet<>(LAYERS.get(layer));
    }

    /** A cycle in the graph as a path that returns to its start, or an empty list. */
    static List<String> findCycle(Map<String, Set<String>> edges) {
        Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
        for (String start : edges.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            List<String> c = visit(start, edges, state, path);
            if (!c.isEmpty()) {
                return c;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> edges, Map<String, Integer> state, Deque<String> path) {
        Integer st = state.get(node);
        if (st != null && st == 2) {
            return List.of();
        }
        if (st != null && st == 1) {
            List<String> onPath = new ArrayList<>(path);
            List<String> cycle = new ArrayList<>(onPath.subList(onPath.indexOf(node), onPath.size()));
            cycle.add(node);
            return cycle;
        }
        state.put(node, 1);
        path.addLast(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            List<String> c = visit(next, edges, state, path);
            if (!c.isEmpty()) {
                return c;
            }
        }
        path.removeLast();
        state.put(node, 2);
        return List.of();
    }
}
