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
     * normalisation, preprocessing.
     */
    Map<String, Object> provenance();

    /**
     * What this encoder is: id, display name, family, study name, model sha256, preprocessing.
     * The default describes an unnamed model from its provenance; the factory and the built-in
     * encoders give the full description.
     */
    default EncoderDescription info() {
        Object sha = provenance().get("model_sha256");
        Object file = provenance().get("model_file");
        String id = file == null ? getClass().getSimpleName() : file.toString();
        return new EncoderDescription(id, id, EncoderFamily.OTHER, null, sha == null ? null : sha.toString(), preprocessing(),
                embeddingDim(), "file " + id);
    }

    /** Releases native resources; never throws checked exceptions. */
    @Override
    void close();
}
