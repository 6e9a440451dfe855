package org.encodertraces.embed;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.encodertraces.encoder.EncoderProvenance;
import org.encodertraces.provenance.ProcessingChain;
import org.encodertraces.provenance.ProvenanceJson;

/**
 * The one rule for "may this existing embedding set be reused for this job?": a set is reused only
 * when its recorded seed, processing chain, dataset manifest sha256 and encoder identity
 * ({@link EncoderProvenance#identity()}) all equal the job's. {@link Extraction}, the Spark job and
 * the audit's forecast of what a rerun reuses all ask it.
 *
 * <p>It is also what the shards of an interrupted run are kept for ({@code .work/<set>/job.json}
 * holds it), read back typed, so a key an earlier version wrote (a camelCase preprocessing spec)
 * still matches the same job.
 *
 * @param seed the seed of per-image random processing
 * @param processing the processing chain
 * @param manifestSha256 the dataset's manifest sha256
 * @param encoder the encoder's identity, or null to leave the encoder out (a forecast made without opening the encoder)
 */
public record ReuseKey(long seed, ProcessingChain processing, String manifestSha256, EncoderProvenance.Identity encoder) {

    /** Requires the processing and manifest. */
    public ReuseKey {
        java.util.Objects.requireNonNull(processing, "processing");
        java.util.Objects.requireNonNull(manifestSha256, "manifestSha256");
    }

    /** The same key without the encoder (what can be compared before the encoder is opened). */
    public ReuseKey withoutEncoder() {
        return new ReuseKey(seed, processing, manifestSha256, null);
    }

    /**
     * Why a set with provenance {@code recorded} may not be reused for this key: null when it may,
     * else the difference in words, to follow "{@code FILE already exists but }".
     */
    public String differenceFrom(SetProvenance recorded) {
        Long s = recorded.seed();
        if (s == null || s != seed) {
            return "it was made with seed " + (s == null ? "(none recorded)" : s) + ", this run uses seed " + seed;
        }
        if (!processing.equals(recorded.processing())) {
            Object raw = recorded.processing() != null ? recorded.processing() : recorded.artifact().details().get("processing");
            return "it was made with processing " + (raw == null ? "(none recorded)" : ProvenanceJson.compact(raw instanceof ProcessingChain c
                    ? c.toJson() : raw)) + ", this run uses " + processing;
        }
        String manifest = recorded.manifestSha256();
        if (!manifest.equals(manifestSha256)) {
            return "it was made from a different dataset (manifest sha256 " + manifest + ", now " + manifestSha256
                    + ": images added, removed, relabelled or resized)";
        }
        if (encoder == null) {
            return null;
        }
        EncoderProvenance.Identity was = recorded.identity();
        if (was == null) {
            was = new EncoderProvenance.Identity(null, null, null, null, null, null, null, null, null, null);
        }
        if (!was.equals(encoder)) {
            String sha = was.modelSha256() == null ? "" : was.modelSha256();
            String shaNow = encoder.modelSha256() == null ? "" : encoder.modelSha256();
            if (!sha.equals(shaNow)) {
                return "it was made with a different model (sha256 " + (sha.isEmpty() ? "none" : sha) + ", this run's model has "
                        + (shaNow.isEmpty() ? "none" : shaNow) + ")";
            }
            return "it was made with different encoder settings (" + was + ", this run " + encoder + ")";
        }
        return null;
    }

    /** The key as {@code job.json} holds it. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", seed);
        m.put("processing", processing.toJson());
        if (encoder != null) {
            m.put("encoder", encoder.toJson());
        }
        m.put("manifest_sha256", manifestSha256);
        return m;
    }

    /** Reads a key {@link #toJson()} wrote, in this or an earlier version; null when it is not one. */
    public static ReuseKey fromJson(JsonNode n) {
        Long seed = ProvenanceJson.whole(n, "seed");
        ProcessingChain chain = ProcessingChain.fromJson(ProvenanceJson.field(n, "processing"));
        String manifest = ProvenanceJson.text(n, "manifest_sha256");
        if (seed == null || chain == null || manifest == null) {
            return null;
        }
        JsonNode enc = ProvenanceJson.field(n, "encoder");
        return new ReuseKey(seed, chain, manifest, enc == null ? null : EncoderProvenance.Identity.fromJson(enc));
    }
}
