package org.encodertraces.encoder;


/**
 * An encoder with the description its reference gives it (registry entry, file, Hub file): the
 * factory's way to make an {@link OnnxEncoder} say what it is without the ONNX code knowing
 * about registries.
 */
final class DescribedEncoder implements Encoder {
    private final Encoder inner;
    private final EncoderDescription info;
    private final EncoderProvenance provenance;

    DescribedEncoder(Encoder inner, EncoderDescription info) {
        this.inner = inner;
        this.info = info;
        this.provenance = inner.provenanceRecord().describedAs(info);
    }

    @Override
    public float[][] embed(FloatTensorBatch batch) {
        return inner.embed(batch);
    }

    @Override
    public PreprocessSpec preprocessing() {
        return inner.preprocessing();
    }

    @Override
    public int embeddingDim() {
        return inner.embeddingDim();
    }

    @Override
    public EncoderProvenance provenanceRecord() {
        return provenance;
    }

    @Override
    public EncoderDescription info() {
        return info;
    }

    @Override
    public void close() {
        inner.close();
    }
}
