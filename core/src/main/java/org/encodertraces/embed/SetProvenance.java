package org.encodertraces.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.encodertraces.encoder.EncoderProvenance;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.provenance.DatasetRef;
import org.encodertraces.provenance.ProcessingChain;
import org.encodertraces.provenance.ProvenanceJson;

/**
 * How an embedding set was made: the {@link ArtifactProvenance} every artifact carries (platform,
 * dataset, processing chain, seed, image decoder) plus what only a set has: the model name in its
 * file name, the encoder that computed it, its row and failure counts, the erasers applied to it,
 * and for a set read without a sidecar the file it came from.
 *
 * <p>One JSON writer ({@link #toJson()}) and one lenient reader ({@link #fromJson}): a sidecar of
 * any version reads (an encoder block with the camelCase preprocessing of sidecars before typed
 * provenance included); a block this build cannot read as its record (a partial encoder block
 * another tool wrote, say) is kept as it was in the details and written back unchanged, and
 * {@link #identity()} still reads what it states.
 *
 * @param artifact the provenance every artifact carries (platform, dataset, processing, seed, image decoder, other fields)
 * @param model the model's name in the set's file name, or null
 * @param encoder the encoder that computed the embeddings, or null when not recorded (or not readable: see {@link #identity()})
 * @param rows the rows of the set, or null
 * @param failed how many images failed, or null
 * @param failuresFile the failures file beside the set, or null
 * @param erasures the erasers applied to the set's embeddings, in order
 * @param failures the failed images of a shard (only shards record them here; a set lists them in its failures file), or null
 * @param source the file a set read without a sidecar came from, or null
 */
public record SetProvenance(ArtifactProvenance artifact, String model, EncoderProvenance encoder, Integer rows, Integer failed,
                            String failuresFile, List<Erasure> erasures, List<Extraction.Failure> failures, Source source) {

    /** No provenance at all. */
    public static final SetProvenance NONE = new SetProvenance(null, null, null, null, null, null, List.of(), null, null);

    /** Copies the lists; an absent artifact block is an empty one. */
    public SetProvenance {
        if (artifact == null) {
            artifact = ArtifactProvenance.fromJson(null);
        }
        erasures = erasures == null ? List.of() : List.copyOf(erasures);
        failures = failures == null ? null : List.copyOf(failures);
    }

    /**
     * One eraser applied to the set's embeddings.
     *
     * @param eraser the eraser file's name
     * @param eraserSha256 its sha256
     * @param method {@code leace} or {@code inlp}
     * @param rank the rank it removed
     * @param concepts the concepts it erases
     * @param sourceSet the set it was applied to
     * @param sourceSha256 that set's sha256
     */
    public record Erasure(String eraser, String eraserSha256, String method, int rank, List<String> concepts, String sourceSet,
                          String sourceSha256) {
        /** Copies the concepts. */
        public Erasure {
            concepts = List.copyOf(concepts);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eraser", eraser);
            m.put("eraser_sha256", eraserSha256);
            m.put("method", method);
            m.put("rank", rank);
            m.put("concepts", concepts);
            m.put("source_set", sourceSet);
            m.put("source_sha256", sourceSha256);
            return m;
        }

        static Erasure fromJson(JsonNode n) {
            Long rank = ProvenanceJson.whole(n, "rank");
            JsonNode concepts = ProvenanceJson.field(n, "concepts");
            if (rank == null || concepts == null || !concepts.isArray()) {
                return null;
            }
            List<String> c = new ArrayList<>();
            concepts.forEach(x -> c.add(x.asText()));
            return new Erasure(ProvenanceJson.text(n, "eraser"), ProvenanceJson.text(n, "eraser_sha256"), ProvenanceJson.text(n, "method"),
                    rank.intValue(), c, ProvenanceJson.text(n, "source_set"), ProvenanceJson.text(n, "source_sha256"));
        }
    }

    /**
     * The file a set without a sidecar was read from (the study's release, say): its rows are known
     * only by this file's sha256 and their row numbers.
     *
     * @param file the file's name
     * @param sha256 its sha256
     * @param metadata the safetensors header's metadata
     */
    public record Source(String file, String sha256, Map<String, String> metadata) {
        /** Copies the metadata. */
        public Source {
            metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** The provenance of a set read without a sidecar from {@code file}. */
    public static SetProvenance ofSource(Source source) {
        return new SetProvenance(null, null, null, null, null, null, List.of(), null, source);
    }

    /** The provenance of a shard: the images that failed in it. */
    public static SetProvenance ofShard(List<Extraction.Failure> failures) {
        return new SetProvenance(null, null, null, null, null, null, List.of(), failures, null);
    }

    /** The dataset the set was made from, or null. */
    public DatasetRef dataset() {
        return artifact.dataset();
    }

    /** The processing chain it was made under, or null. */
    public ProcessingChain processing() {
        return artifact.processing();
    }

    /** The seed of its per-image random processing, or null. */
    public Long seed() {
        return artifact.seed();
    }

    /** The dataset's manifest sha256, or "" when not recorded. */
    public String manifestSha256() {
        DatasetRef d = artifact.dataset();
        return d == null || d.manifestSha256() == null ? "" : d.manifestSha256();
    }

    /**
     * Which encoder computed the set ({@link EncoderProvenance.Identity}): the typed encoder's, else
     * what an encoder block this build could not read whole states, else (a layout without an encoder
     * block) a {@code model_sha256} beside the other fields; null when the set names no encoder.
     */
    public EncoderProvenance.Identity identity() {
        if (encoder != null) {
            return encoder.identity();
        }
        JsonNode raw = encoderJson();
        if (raw != null) {
            return EncoderProvenance.Identity.fromJson(raw);
        }
        Object sha = artifact.details().get("model_sha256");
        return sha instanceof String s ? new EncoderProvenance.Identity(s, null, null, null, null, null, null, null, null, null) : null;
    }

    /** The encoder block as JSON (the typed encoder's, or the block as recorded when it could not be read whole); null when none. */
    public JsonNode encoderJson() {
        if (encoder != null) {
            return ProvenanceJson.tree(encoder.toJson());
        }
        Object raw = artifact.details().get("encoder");
        return raw == null ? null : ProvenanceJson.tree(raw);
    }

    /** A copy with another artifact block. */
    public SetProvenance withArtifact(ArtifactProvenance a) {
        return new SetProvenance(a, model, encoder, rows, failed, failuresFile, erasures, failures, source);
    }

    /** A copy with another encoder. */
    public SetProvenance withEncoder(EncoderProvenance e) {
        return new SetProvenance(artifact.without("encoder"), model, e, rows, failed, failuresFile, erasures, failures, source);
    }

    /** A copy with other row and failure counts. */
    public SetProvenance withCounts(int rowCount, int failedCount) {
        return new SetProvenance(artifact, model, encoder, rowCount, failedCount, failuresFile, erasures, failures, source);
    }

    /** A copy with one more eraser applied. */
    public SetProvenance withErasure(Erasure e) {
        List<Erasure> all = new ArrayList<>(erasures);
        all.add(e);
        return new SetProvenance(artifact, model, encoder, rows, failed, failuresFile, all, failures, source);
    }

    /** The one JSON form: the artifact's fields with the set's after the image decoder; null fields left out. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (model != null) {
            m.put("model", model);
        }
        if (encoder != null) {
            m.put("encoder", encoder.toJson());
        }
        if (rows != null) {
            m.put("rows", rows);
        }
        if (failed != null) {
            m.put("failed", failed);
        }
        if (failuresFile != null) {
            m.put("failures_file", failuresFile);
        }
        if (!erasures.isEmpty()) {
            m.put("erasures", erasures.stream().map(Erasure::toJson).toList());
        }
        if (failures != null) {
            List<Map<String, Object>> f = new ArrayList<>();
            for (Extraction.Failure x : failures) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("id", x.id());
                o.put("file", x.file());
                o.put("operation", x.operation());
                o.put("reason", x.reason());
                f.add(o);
            }
            m.put("failures", f);
        }
        if (source != null) {
            m.put("source_file", source.file());
            m.put("source_sha256", source.sha256());
            m.put("safetensors_metadata", source.metadata());
        }
        return artifact.toJson(m);
    }

    /** {@link #toJson()} as a Jackson object. */
    public ObjectNode toJsonNode() {
        return ProvenanceJson.object(toJson());
    }

    /** Reads a sidecar's provenance block leniently (see the class comment); an absent block reads as {@link #NONE}. */
    public static SetProvenance fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            return NONE;
        }
        Set<String> read = new HashSet<>();
        String model = ProvenanceJson.text(n, "model");
        EncoderProvenance encoder = EncoderProvenance.fromJson(n.get("encoder"));
        Long rows = ProvenanceJson.whole(n, "rows");
        Long failed = ProvenanceJson.whole(n, "failed");
        String failuresFile = ProvenanceJson.text(n, "failures_file");
        mark(read, "model", model);
        mark(read, "encoder", encoder);
        mark(read, "rows", rows);
        mark(read, "failed", failed);
        mark(read, "failures_file", failuresFile);
        List<Erasure> erasures = ProvenanceJson.list(n, "erasures", Erasure::fromJson);
        mark(read, "erasures", erasures);
        List<Extraction.Failure> failures = null;
        JsonNode f = n.get("failures");
        if (f != null && f.isArray()) {
            failures = new ArrayList<>();
            for (JsonNode x : f) {
                failures.add(new Extraction.Failure(x.path("id").asText(), x.path("file").asText(), x.path("operation").asText(),
                        x.path("reason").asText()));
            }
            read.add("failures");
        }
        Source source = null;
        String sourceFile = ProvenanceJson.text(n, "source_file");
        String sourceSha = ProvenanceJson.text(n, "source_sha256");
        JsonNode meta = n.get("safetensors_metadata");
        if (sourceFile != null && sourceSha != null && (meta == null || meta.isObject())) {
            Map<String, String> md = new LinkedHashMap<>();
            if (meta != null) {
                meta.fields().forEachRemaining(x -> md.put(x.getKey(), x.getValue().asText()));
            }
            source = new Source(sourceFile, sourceSha, md);
            read.addAll(List.of("source_file", "source_sha256", "safetensors_metadata"));
        }
        return new SetProvenance(ArtifactProvenance.fromJson(n, read), model, encoder, rows == null ? null : rows.intValue(),
                failed == null ? null : failed.intValue(), failuresFile, erasures == null ? List.of() : erasures, failures, source);
    }

    private static void mark(Set<String> read, String key, Object value) {
        if (value != null) {
            read.add(key);
        }
    }
}
