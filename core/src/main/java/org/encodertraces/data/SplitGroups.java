package org.encodertraces.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Photos that must stay on one side of every split: near-duplicates ({@link NearDuplicates}) and
 * groups the user names ({@link GroupBy}: a camera model, a session folder, a manifest column).
 * Two photos are in one group when some chain of "same group" links joins them, whichever
 * relation each link comes from ({@link #union}). A photo in no group is a group of its own.
 *
 * <p>This is the one place that rule lives: the acquisition splits ({@link SplitBuilder}) and the
 * image splits of processing probes ({@link #imageSplit}) read it, and any other split can.
 */
public final class SplitGroups {
    private static final SplitGroups NONE = new SplitGroups(Map.of());
    /** Id to its group's key, only for photos in a group of two or more. */
    private final Map<String, String> keyOf;

    private SplitGroups(Map<String, String> keyOf) {
        this.keyOf = keyOf;
    }

    /** No groups: every photo on its own. */
    public static SplitGroups none() {
        return NONE;
    }

    /**
     * Groups from a key per id: ids with equal keys form a group; a null key leaves the id on its own.
     */
    public static SplitGroups byKey(Map<String, String> keyById) {
        Map<String, List<String>> members = new TreeMap<>();
        keyById.forEach((id, key) -> {
            if (key != null) {
                members.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
            }
        });
        Map<String, String> m = new HashMap<>();
        members.forEach((key, ids) -> {
            if (ids.size() >= 2) {
                ids.forEach(id -> m.put(id, key));
            }
        });
        return new SplitGroups(m);
    }

    /** Groups given as lists of ids (lists of one id are ignored). */
    public static SplitGroups of(Collection<? extends Collection<String>> groups) {
        Map<String, String> key = new HashMap<>();
        for (Collection<String> g : groups) {
            if (g.size() < 2) {
                continue;
            }
            String first = g.stream().sorted().findFirst().orElseThrow();
            g.forEach(id -> key.put(id, first));
        }
        return union(new SplitGroups(Map.of()), key);
    }

    /** Both relations at once: the connected components of their links. */
    public SplitGroups union(SplitGroups other) {
        if (other.keyOf.isEmpty()) {
            return this;
        }
        if (keyOf.isEmpty()) {
            return other;
        }
        return union(this, other.keyOf);
    }

    private static SplitGroups union(SplitGroups a, Map<String, String> bKeys) {
        Map<String, String> parent = new HashMap<>();
        // nodes: ids, and one node per key of each relation ("a:" / "b:" prefixes keep them apart)
        a.keyOf.forEach((id, k) -> link(parent, "i:" + id, "a:" + k));
        bKeys.forEach((id, k) -> link(parent, "i:" + id, "b:" + k));
        Map<String, List<String>> comp = new TreeMap<>();
        for (String node : new ArrayList<>(parent.keySet())) {
            if (node.startsWith("i:")) {
                comp.computeIfAbsent(root(parent, node), r -> new ArrayList<>()).add(node.substring(2));
            }
        }
        Map<String, String> m = new HashMap<>();
        for (List<String> ids : comp.values()) {
            if (ids.size() >= 2) {
                String key = ids.stream().sorted().findFirst().orElseThrow();
                ids.forEach(id -> m.put(id, key));
            }
        }
        return new SplitGroups(m);
    }

    private static void link(Map<String, String> parent, String x, String y) {
        parent.putIfAbsent(x, x);
        parent.putIfAbsent(y, y);
        String rx = root(parent, x);
        String ry = root(parent, y);
        if (!rx.equals(ry)) {
            if (rx.compareTo(ry) < 0) {
                parent.put(ry, rx);
            } else {
                parent.put(rx, ry);
            }
        }
    }

    private static String root(Map<String, String> parent, String x) {
        String r = x;
        while (!parent.get(r).equals(r)) {
            r = parent.get(r);
        }
        String c = x;
        while (!parent.get(c).equals(c)) {
            String next = parent.get(c);
            parent.put(c, r);
            c = next;
        }
        return r;
    }

    /** The same groups under other ids (e.g. sample ids to split ids); ids the function maps to null are left out. */
    public SplitGroups mapIds(Function<String, String> f) {
        Map<String, String> m = new HashMap<>();
        keyOf.forEach((id, k) -> {
            String n = f.apply(id);
            if (n != null) {
                m.put(n, k);
            }
        });
        return byKey(m);
    }

    /** Only these ids (a group left with one member is no group). */
    public SplitGroups restrictTo(Collection<String> ids) {
        Map<String, String> m = new HashMap<>();
        for (String id : ids) {
            String k = keyOf.get(id);
            if (k != null) {
                m.put(id, k);
            }
        }
        return byKey(m);
    }

    /** The key of an id's group: shared by every member, the id itself for a photo on its own. */
    public String keyOf(String id) {
        String k = keyOf.get(id);
        return k != null ? "g:" + k : "i:" + id;
    }

    /** Whether the id shares its group with another photo. */
    public boolean isGrouped(String id) {
        return keyOf.containsKey(id);
    }

    /** True when no two photos are grouped. */
    public boolean isEmpty() {
        return keyOf.isEmpty();
    }

    /** The groups of two or more photos, each sorted, largest first then by first id. */
    public List<List<String>> groups() {
        Map<String, List<String>> by = new TreeMap<>();
        keyOf.forEach((id, k) -> by.computeIfAbsent(k, x -> new ArrayList<>()).add(id));
        List<List<String>> out = new ArrayList<>();
        for (List<String> g : by.values()) {
            List<String> s = new ArrayList<>(g);
            s.sort(null);
            out.add(List.copyOf(s));
        }
        out.sort(java.util.Comparator.comparingInt((List<String> g) -> -g.size()).thenComparing(g -> g.get(0)));
        return out;
    }

    /** Photos in groups of two or more. */
    public int groupedPhotos() {
        return keyOf.size();
    }

    /**
     * Test ids of a split that have a photo of their group among its training or validation ids:
     * what a split that ignores the groups lets leak.
     */
    public List<String> leaking(Collection<String> trainAndVal, Collection<String> test) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String id : trainAndVal) {
            if (isGrouped(id)) {
                seen.add(keyOf(id));
            }
        }
        List<String> out = new ArrayList<>();
        for (String id : test) {
            if (isGrouped(id) && seen.contains(keyOf(id))) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * A seeded split of {@code ids} into train and test indices that keeps every group on one side,
     * with about {@code testFraction} of the photos in test: groups, in a seeded order, join the test
     * side while that brings its size closer to the target. With no groups among the ids it is
     * exactly {@code plain.apply(n)} (the caller's ungrouped split), so nothing changes where there is
     * nothing to keep together.
     *
     * @return {train indices, test indices}, each ascending
     */
    public int[][] imageSplit(List<String> ids, double testFraction, long seed, Function<Integer, int[][]> plain) {
        Map<String, List<Integer>> members = new LinkedHashMap<>();
        boolean any = false;
        for (int i = 0; i < ids.size(); i++) {
            any |= isGrouped(ids.get(i));
            members.computeIfAbsent(keyOf(ids.get(i)), k -> new ArrayList<>()).add(i);
        }
        if (!any || members.values().stream().allMatch(m -> m.size() == 1)) {
            return plain.apply(ids.size());
        }
        int n = ids.size();
        int target = (int) Math.round(testFraction * n);
        List<String> keys = new ArrayList<>(new TreeMap<>(members).keySet());
        java.util.Collections.shuffle(keys, new java.util.Random(seed * 0x9E3779B97F4A7C15L ^ 0x5EEDL));
        boolean[] test = new boolean[n];
        int size = 0;
        for (String k : keys) {
            List<Integer> g = members.get(k);
            if (Math.abs(size + g.size() - target) < Math.abs(size - target)) {
                g.forEach(i -> test[i] = true);
                size += g.size();
            }
        }
        if (size == 0 || size == n) {
            throw new IllegalArgumentException("the " + n + " images form " + members.size() + " group(s) that cannot be split "
                    + Math.round(100 * (1 - testFraction)) + "/" + Math.round(100 * testFraction) + " without cutting one");
        }
        int[] te = new int[size];
        int[] tr = new int[n - size];
        int a = 0;
        int b = 0;
        for (int i = 0; i < n; i++) {
            if (test[i]) {
                te[a++] = i;
            } else {
                tr[b++] = i;
            }
        }
        return new int[][] {tr, te};
    }
}
