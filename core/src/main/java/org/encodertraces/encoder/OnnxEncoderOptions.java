package org.encodertraces.encoder;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything needed to open an {@link OnnxEncoder}: the model file, the input to feed, the
 * embedding selection, the preprocessing spec it must agree with, and the runtime set-up.
 *
 * @param modelFile the .onnx file
 * @param inputName the graph input to feed, or null for the model's only input
 * @param embedding which tensor is the embedding and how it is pooled
 * @param preprocessing the spec the model input must agree with
 * @param provider CPU or CUDA
 * @param deviceId CUDA device index (ignored on CPU)
 * @param intraOpThreads ONNX Runtime intra-op thread count; 0 lets ONNX Runtime choose
 * @param spinning whether idle intra-op threads spin-wait for work (ONNX Runtime's default) or
 *     sleep ({@code session.intra_op.allow_spinning = 0}); spinning burns cores that the decode
 *     workers of an extraction need, and never changes a result
 */
public record OnnxEncoderOptions(Path modelFile, String inputName, EmbeddingSelection embedding,
                                 PreprocessSpec preprocessing, ExecutionProvider provider, int deviceId,
                                 int intraOpThreads, boolean spinning) {
    /** Validates. */
    public OnnxEncoderOptions {
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(embedding, "embedding");
        Objects.requireNonNull(preprocessing, "preprocessing");
        Objects.requireNonNull(provider, "provider");
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
        if (deviceId < 0) {
            throw new IllegalArgumentException("deviceId must be >= 0, got " + deviceId);
        }
    }

    /** CPU options with ONNX Runtime's default thread count and the model's only input. */
    public static OnnxEncoderOptions cpu(Path modelFile, EmbeddingSelection embedding, PreprocessSpec preprocessing) {
        return new OnnxEncoderOptions(modelFile, null, embedding, preprocessing, ExecutionProvider.CPU, 0, 0, false);
    }

    /** A copy whose idle intra-op threads spin-wait ({@code true}) or sleep ({@code false}, the default). */
    public OnnxEncoderOptions withSpinning(boolean spin) {
        return new OnnxEncoderOptions(modelFile, inputName, embedding, preprocessing, provider, deviceId, intraOpThreads, spin);
    }

    /** A copy with another intra-op thread count. */
    public OnnxEncoderOptions withIntraOpThreads(int threads) {
        return new OnnxEncoderOptions(modelFile, inputName, embedding, preprocessing, provider, deviceId, threads, spinning);
    }

    /** A copy with another execution provider and device. */
    public OnnxEncoderOptions withProvider(ExecutionProvider p, int device) {
        return new OnnxEncoderOptions(modelFile, inputName, embedding, preprocessing, p, device, intraOpThreads, spinning);
    }

    /** A copy feeding the named input. */
    public OnnxEncoderOptions withInputName(String name) {
        return new OnnxEncoderOptions(modelFile, name, embedding, preprocessing, provider, deviceId, intraOpThreads, spinning);
    }
}
