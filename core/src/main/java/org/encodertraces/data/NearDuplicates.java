package org.encodertraces.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.PerceptualHash;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.process.ImageFootprint;
import org.encodertraces.process.MemoryBudget;

/**
 * Finds near-duplicate photos of a dataset from their pixels: every image is decoded and given a
 * {@link PerceptualHash}; two photos whose hashes differ in at most {@code maxDistance} of the 64
 * bits are near-duplicates, and near-duplicates of near-duplicates are one group (connected
 * components). The groups feed {@link SplitGroups}, so that a group is never split between
 * training and test.
 *
 * <p>Why pixels and not embeddings: the groups are then the same for every encoder of an audit
 * (every encoder is measured on the same split), and a threshold chosen once holds for all of
 * them. The default {@value #DEFAULT_MAX_DISTANCE} bits was chosen from measured distances
 * (docs/grouping.md): shots of one scene 1-2 pixels apart, re-encoded, are 2-10 bits apart (96%
 * of pairs), and a camera and a phone shot of one scene 0-12; no two unrelated photos of the shared
 * camera photos, flowers and generated scenes came closer than 12 bits (one pair in 19,701), most
 * are 20 or more. A false link keeps two photos on one side needlessly; a missed one leaks, so the
 * threshold sits at the top of what unrelated photos never reached.
 *
 * <p>A file that cannot be decoded gets no hash: it is recorded as a failure and is in no group.
 */
public final class NearDuplicates {
    /** Largest Hamming distance between near-duplicates, by default. */
    public static final int DEFAULT_MAX_DISTANCE = 10;
    /** What the method is, for notes and result files. */
    public static final String METHOD = "perceptual hash of the decoded pixels (64-bit DCT hash of a 32x32 box-filtered"
            + " luma image), Hamming distance";

    /**
     * One group of near-duplicates.
     *
     * @param ids         its photos, sorted
     * @param maxDistance the largest distance between two of its photos that are linked directly
     */
    public record Group(List<String> ids, int maxDistance) {
        public Group {
            ids = List.copyOf(ids);
        }
    }

    /**
     * What was found.
     *
     * @param maxDistance the threshold used
     * @param hashes      the hash of every photo that could be decoded, by sample id
     * @param groups      groups of two or more photos, largest first
     * @param failures    photos that could not be decoded (in no group)
     * @param reused      hashes taken from the cache instead of decoding
     */
    public record Result(int maxDistance, Map<String, Long> hashes, List<Group> groups, List<ReadFailure> failures, int reused) {
        public Result {
            hashes = Collections.unmodifiableMap(new LinkedHashMap<>(hashes));
            groups = List.copyOf(groups);
            failures = List.copyOf(failures);
        }

        /** Photos that belong to a group. */
        public int photos() {
            return groups.stream().mapToInt(g -> g.ids().size()).sum();
        }

        /** Group key of every grouped photo ({@code near-duplicates:<first id>}). */
        public Map<String, String> groupOf() {
            Map<String, String> m = new LinkedHashMap<>();
            for (Group g : groups) {
                for (String id : g.ids()) {
                    m.put(id, "near-duplicates:" + g.ids().get(0));
                }
            }
            return m;
        }
    }

    /** Progress of the hashing. */
    public interface Progress {
        void step(long done, long total);
    }

    private NearDuplicates() {
    }

    /**
     * Hashes every sample (reusing {@code cache} entries whose id and file size match) and groups them.
     *
     * @param cache a file of earlier hashes (written back with the new ones), or null for none
     */
    public static Result find(List<Sample> samples, int maxDistance, int threads, Path cache, Progress progress)
            throws IOException, InterruptedException {
        if (maxDistance < 0 || maxDistance > 64) {
            throw new IllegalArgumentException("near-duplicate distance must be between 0 and 64 bits: " + maxDistance);
        }
        Map<String, long[]> cached = cache == null ? Map.of() : readCache(cache);
        Map<String, Long> hashes = new TreeMap<>();
        Map<String, Long> sizes = new TreeMap<>();
        List<ReadFailure> failures = Collections.synchronizedList(new ArrayList<>());
        List<Sample> todo = new ArrayList<>();
        int reused = 0;
        for (Sample s : samples) {
            long size;
            try {
                size = Files.size(s.file());
            } catch (IOException e) {
                failures.add(new ReadFailure(s.file(), "cannot read: " + e.getMessage()));
                continue;
            }
            sizes.put(s.id(), size);
            long[] c = cached.get(s.id());
            if (c != null && c[0] == size) {
                hashes.put(s.id(), c[1]);
                reused++;
            } else {
                todo.add(s);
            }
        }
        Map<String, Long> computed = hash(todo, Math.max(1, threads), failures, progress, samples.size() - todo.size(), samples.size());
        hashes.putAll(computed);
        if (cache != null && !computed.isEmpty()) {
            writeCache(cache, hashes, sizes);
        }
        List<ReadFailure> sorted = new ArrayList<>(failures);
        sorted.sort(java.util.Comparator.comparing(f -> f.file().toString()));
        return new Result(maxDistance, hashes, groups(hashes, maxDistance), sorted, reused);
    }

    private static Map<String, Long> hash(List<Sample> todo, int threads, List<ReadFailure> failures, Progress progress, long done0, long total)
            throws InterruptedException {
        Map<String, Long> out = Collections.synchronizedMap(new TreeMap<>());
        if (todo.isEmpty()) {
            return out;
        }
        MemoryBudget budget = MemoryBudget.fromHeap();
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, false);
        AtomicLong done = new AtomicLong(done0);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, todo.size()), r -> {
            Thread t = new Thread(r, "near-duplicates");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (Sample s : todo) {
                fs.add(pool.submit(() -> {
                    long cost = 0;
                    try {
                        cost = ImageFootprint.estimate(s.file(), List.of(), decoder.maxPixels());
                        budget.acquire(cost, ImageFootprint.describe(s.file()));
                        try {
                            out.put(s.id(), PerceptualHash.of(decoder.decode(s.file()).image()));
                        } finally {
                            budget.release(cost);
                        }
                    } catch (IOException | MemoryBudget.TooLargeException e) {
                        failures.add(new ReadFailure(s.file(), e.getMessage()));
                    } catch (OutOfMemoryError e) {
                        failures.add(new ReadFailure(s.file(), "ran out of memory decoding it (estimated " + MemoryBudget.human(cost) + ")"));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return null;
                    } catch (RuntimeException e) {
                        failures.add(new ReadFailure(s.file(), "cannot decode: " + e));
                    }
                    if (progress != null) {
                        progress.step(done.incrementAndGet(), total);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /** Connected components of the "at most {@code maxDistance} bits apart" relation, groups of two or more, largest first. */
    public static List<Group> groups(Map<String, Long> hashes, int maxDistance) {
        List<String> ids = new ArrayList<>(new TreeMap<>(hashes).keySet());
        int n = ids.size();
        long[] h = new long[n];
        for (int i = 0; i < n; i++) {
            h[i] = hashes.get(ids.get(i));
        }
        int[] parent = new int[n];
        int[] worst = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                int d = Long.bitCount(h[i] ^ h[j]);
                if (d <= maxDistance) {
                    int a = find(parent, i);
                    int b = find(parent, j);
                    int root = Math.min(a, b);
                    worst[root] = Math.max(d, Math.max(worst[a], worst[b]));
                    parent[Math.max(a, b)] = root;
                }
            }
        }
        Map<Integer, List<String>> members = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            members.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(ids.get(i));
        }
        List<Group> out = new ArrayList<>();
        members.forEach((root, m) -> {
            if (m.size() >= 2) {
                out.add(new Group(m, worst[root]));
            }
        });
        out.sort(java.util.Comparator.comparingInt((Group g) -> -g.ids().size()).thenComparing(g -> g.ids().get(0)));
        return out;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /**
     * The groups of a {@code near_duplicates.json} an audit wrote ({@code groups[].ids}), to keep
     * them together in other splits ({@code traces probe --groups}).
     */
    public static List<List<String>> readGroups(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable JSON file: " + e.getMessage(), e);
        }
        JsonNode gs = root == null ? null : root.get("groups");
        if (gs == null || !gs.isArray()) {
            throw new IOException(file + ": no 'groups' array (not the near_duplicates.json of an audit?)");
        }
        List<List<String>> out = new ArrayList<>();
        for (JsonNode g : gs) {
            JsonNode ids = g.get("ids");
            if (ids == null || !ids.isArray()) {
                throw new IOException(file + ": a group without an 'ids' array");
            }
            List<String> l = new ArrayList<>();
            ids.forEach(i -> l.add(i.asText()));
            out.add(l);
        }
        return out;
    }

    /** Earlier hashes: id to {file size, hash}; an unreadable cache is ignored (everything is hashed again). */
    static Map<String, long[]> readCache(Path cache) {
        Map<String, long[]> m = new TreeMap<>();
        if (!Files.isRegularFile(cache)) {
            return m;
        }
        try {
            JsonNode root = new ObjectMapper().readTree(cache.toFile());
            root.path("photos").fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (v.path("size").canConvertToLong() && v.path("phash").isTextual()) {
                    try {
                        m.put(e.getKey(), new long[] {v.get("size").asLong(), PerceptualHash.parseHex(v.get("phash").asText())});
                    } catch (IllegalArgumentException bad) {
                        // a damaged entry: hash that photo again
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            m.clear();
        }
        return m;
    }

    private static void writeCache(Path cache, Map<String, Long> hashes, Map<String, Long> sizes) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = om.createObjectNode();
        root.put("method", METHOD);
        ObjectNode photos = root.putObject("photos");
        hashes.forEach((id, h) -> photos.putObject(id).put("size", sizes.get(id)).put("phash", PerceptualHash.hex(h)));
        Files.createDirectories(cache.toAbsolutePath().getParent());
        AtomicFiles.writeString(cache, om.writeValueAsString(root));
    }
}
