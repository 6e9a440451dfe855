package org.encodertraces.encoder;

import java.util.Map;

/**
 * A frozen image encoder: a batch of preprocessed images in, one embedding per image out.
 * Implementations hold native resources and must be closed.
 */
public interface Encoder extends AutoCloseable {
    /**
     * Embeds a batch laid out as {@link #preprocessing()} says.
     *
     * @return one row of {@link #embeddingDim()} floats per image, in batch order
     * @throws IllegalArgumentException when the batch shape does not match the spec
     * @throws EncoderException when the runtime fails
     */
    float[][] embed(FloatTensorBatch batch);

    /** How images must be preprocessed for this encoder. */
    PreprocessSpec preprocessing();

    /** Length of each embedding. */
    int embeddingDim();

    /**
     * What produced the embeddings, for every artifact's provenance: model file and sha256,
     * runtime and version, execution provider, threads, input/output names, pooling,
     * normalisation, preprocessing, platform.
     */
    EncoderProvenance provenanceRecord();

    /** {@link #provenanceRecord()} in its one JSON form, as sidecars, results and reports write it. */
    default Map<String, Object> provenance() {
        return provenanceRecord().toJson();
    }

    /**
     * What this encoder is: id, display name, family, study name, model sha256, preprocessing.
     * The default describes an unnamed model from its provenance; the factory and the built-in
     * encoders give the full description.
     */
    default EncoderDescription info() {
        EncoderProvenance.Runtime r = provenanceRecord().runtime();
        String id = r == null ? getClass().getSimpleName() : r.modelFile();
        return new EncoderDescription(id, id, EncoderFamily.OTHER, null, r == null ? null : r.modelSha256(), preprocessing(),
                embeddingDim(), "file " + id);
    }

    /** Releases native resources; never throws checked exceptions. */
    @Override
    void close();
}
