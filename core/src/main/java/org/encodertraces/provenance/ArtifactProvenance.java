package org.encodertraces.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an artifact was made, as one typed value with one JSON writer ({@link #toJson()}) and one
 * lenient reader ({@link #fromJson}): the platform and tool, the dataset it was made from, the
 * processing chain (one, or the operations of a run), the seed, the image decoder and codecs,
 * when it started and finished, and what else the artifact records about itself.
 *
 * <p>Every artifact the tool writes carries this block under {@code provenance}: embedding-set
 * sidecars (inside their own record, which adds the encoder, {@code embed.SetProvenance}),
 * processing runs, probe, kNN, retrieval, erasure and audit results, dataset audits, erasers.
 * Only the fields that apply are set; null fields are left out of the JSON.
 *
 * <p>Reading is lenient, as Tribuo reads provenance of older releases: the platform keys are
 * read beside the others or from a nested {@code platform} object (dataset audits wrote both), a
 * renamed key is read under its former name ({@link ProvenanceJson#FORMER_NAMES}), a missing one
 * reads as null, and every key this record does not know is kept in {@link #details()} in file
 * order and written back as it was, so nothing a later version adds is lost in a rewrite.
 *
 * @param platform where it was made (tool version, commit, Java, OS, CPU)
 * @param dataset the images it was made from, or null
 * @param processing the one processing chain it was made under (an embedding set), or null
 * @param operations the processing chains of a run over several (an audit, a processing run), or empty
 * @param seed the seed of per-image random processing, or null
 * @param imageDecoder the image decoder and codecs that read the images, or null
 * @param started when the work started, or null (sidecars record times in their run record instead)
 * @param finished when it finished, or null
 * @param details the artifact's own further fields (say {@code knn_scores}) and every key read but not known here,
 *     as plain JSON data in order
 */
public record ArtifactProvenance(Platform platform, DatasetRef dataset, ProcessingChain processing, List<ProcessingChain> operations,
                                 Long seed, String imageDecoder, Instant started, Instant finished, Map<String, Object> details) {

    /** The keys this record reads and writes itself (besides the platform's). */
    public static final Set<String> KEYS = Set.of("platform", "dataset", "processing", "operations", "seed", "image_decoder",
            "started", "finished");

    /** Copies the lists and normalises the details. */
    @SuppressWarnings("unchecked")
    public ArtifactProvenance {
        operations = operations == null ? List.of() : List.copyOf(operations);
        Map<String, Object> d = new LinkedHashMap<>();
        if (details != null) {
            d.putAll((Map<String, Object>) ProvenanceJson.plain(details));
        }
        details = Collections.unmodifiableMap(d);
    }

    /** The provenance of work done now, on this platform: nothing else set yet. */
    public static ArtifactProvenance current() {
        return new ArtifactProvenance(Platform.current(), null, null, List.of(), null, null, null, null, Map.of());
    }

    /** The provenance of work done on this platform between two times. */
    public static ArtifactProvenance between(Instant started, Instant finished) {
        return current().withTimes(started, finished);
    }

    /** A copy with the dataset. */
    public ArtifactProvenance withDataset(DatasetRef d) {
        return new ArtifactProvenance(platform, d, processing, operations, seed, imageDecoder, started, finished, details);
    }

    /** A copy with the one processing chain. */
    public ArtifactProvenance withProcessing(ProcessingChain p) {
        return new ArtifactProvenance(platform, dataset, p, operations, seed, imageDecoder, started, finished, details);
    }

    /** A copy with the operations of a run. */
    public ArtifactProvenance withOperations(List<ProcessingChain> ops) {
        return new ArtifactProvenance(platform, dataset, processing, ops, seed, imageDecoder, started, finished, details);
    }

    /** A copy with the seed. */
    public ArtifactProvenance withSeed(long s) {
        return new ArtifactProvenance(platform, dataset, processing, operations, s, imageDecoder, started, finished, details);
    }

    /** A copy with the image decoder's description. */
    public ArtifactProvenance withImageDecoder(String decoder) {
        return new ArtifactProvenance(platform, dataset, processing, operations, seed, decoder, started, finished, details);
    }

    /** A copy with the times. */
    public ArtifactProvenance withTimes(Instant start, Instant finish) {
        return new ArtifactProvenance(platform, dataset, processing, operations, seed, imageDecoder, start, finish, details);
    }

    /** A copy with one more detail (replacing one of that key); {@code value} must be JSON data (maps, lists, text, numbers). */
    public ArtifactProvenance with(String key, Object value) {
        if (KEYS.contains(key) || Platform.KEYS.contains(key)) {
            throw new IllegalArgumentException("'" + key + "' is a field of the provenance record, not a detail");
        }
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put(key, value);
        return new ArtifactProvenance(platform, dataset, processing, operations, seed, imageDecoder, started, finished, d);
    }

    /** A copy without the detail {@code key}. */
    public ArtifactProvenance without(String key) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.remove(key);
        return new ArtifactProvenance(platform, dataset, processing, operations, seed, imageDecoder, started, finished, d);
    }

    /** The codecs that ran: those the processing chain(s) name, in order (the image decoder is {@link #imageDecoder()}). */
    public List<String> codecs() {
        List<String> c = new ArrayList<>();
        List<ProcessingChain> all = new ArrayList<>(operations);
        if (processing != null) {
            all.add(0, processing);
        }
        for (ProcessingChain p : all) {
            p.codecs().stream().filter(x -> !c.contains(x)).forEach(c::add);
        }
        return c;
    }

    /** The one JSON form: platform keys, dataset, processing, operations, seed, image decoder, details, times. */
    public Map<String, Object> toJson() {
        return toJson(Map.of());
    }

    /**
     * The one JSON form with a record's own fields ({@code middle}, in order) after the image decoder
     * and before the details: how a record that adds fields (an embedding set's) writes through this one.
     */
    public Map<String, Object> toJson(Map<String, Object> middle) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (platform != null) {
            m.putAll(platform.toJson());
        }
        if (dataset != null) {
            m.put("dataset", dataset.toJson());
        }
        if (processing != null) {
            m.put("processing", processing.toJson());
        }
        if (!operations.isEmpty()) {
            m.put("operations", operations.stream().map(ProcessingChain::toJson).toList());
        }
        DatasetRef.putIfSet(m, "seed", seed);
        DatasetRef.putIfSet(m, "image_decoder", imageDecoder);
        m.putAll(middle);
        details.forEach((k, v) -> {
            if (!m.containsKey(k)) {
                m.put(k, v);
            }
        });
        if (started != null) {
            m.put("started", started.toString());
        }
        if (finished != null) {
            m.put("finished", finished.toString());
        }
        return m;
    }

    /** {@link #toJson()} as a Jackson object, for documents built as trees. */
    public ObjectNode toJsonNode() {
        return ProvenanceJson.object(toJson());
    }

    /** Reads a provenance block; see {@link #fromJson(JsonNode, Set)}. */
    public static ArtifactProvenance fromJson(JsonNode object) {
        return fromJson(object, Set.of());
    }

    /**
     * Reads a provenance block leniently (see the class comment). A known key whose value cannot be
     * read as its record (a {@code processing} that is no chain, say) is kept in the details as it
     * was rather than dropped or guessed. Keys in {@code claimed} belong to the caller's own record
     * and are left out of the details. An absent block (null, not an object) reads as an empty record.
     */
    public static ArtifactProvenance fromJson(JsonNode object, Set<String> claimed) {
        if (object == null || !object.isObject()) {
            return new ArtifactProvenance(null, null, null, List.of(), null, null, null, null, Map.of());
        }
        Platform platform = Platform.fromJson(object);
        JsonNode nested = object.get("platform");
        if (nested != null && nested.isObject()) {
            Platform inner = Platform.fromJson(nested);
            platform = platform == null ? inner : merge(platform, inner);
        }
        Set<String> read = new java.util.HashSet<>(Platform.KEYS);
        read.addAll(claimed);
        if (nested != null && nested.isObject()) {
            read.add("platform");
        }
        DatasetRef dataset = DatasetRef.fromJson(object.get("dataset"));
        if (dataset != null) {
            read.add("dataset");
        }
        ProcessingChain processing = ProcessingChain.fromJson(object.get("processing"));
        if (processing != null) {
            read.add("processing");
        }
        List<ProcessingChain> ops = ProvenanceJson.list(object, "operations", ProcessingChain::fromJson);
        if (ops != null) {
            read.add("operations");
        }
        Long seed = ProvenanceJson.whole(object, "seed");
        if (seed != null) {
            read.add("seed");
        }
        String decoder = ProvenanceJson.text(object, "image_decoder");
        if (decoder != null) {
            read.add("image_decoder");
        }
        Instant started = ProvenanceJson.instant(object, "started");
        Instant finished = ProvenanceJson.instant(object, "finished");
        if (started != null) {
            read.add("started");
            read.add("start");
        }
        if (finished != null) {
            read.add("finished");
            read.add("end");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        for (var it = object.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!read.contains(e.getKey())) {
                details.put(e.getKey(), ProvenanceJson.plain(e.getValue()));
            }
        }
        return new ArtifactProvenance(platform, dataset, processing, ops == null ? List.of() : ops, seed, decoder, started, finished,
                details);
    }

    private static Platform merge(Platform a, Platform b) {
        return new Platform(or(a.tool(), b.tool()), or(a.toolVersion(), b.toolVersion()), or(a.gitCommit(), b.gitCommit()),
                or(a.javaVersion(), b.javaVersion()), or(a.javaVendor(), b.javaVendor()), or(a.os(), b.os()), or(a.arch(), b.arch()));
    }

    private static String or(String a, String b) {
        return a != null ? a : b;
    }
}
