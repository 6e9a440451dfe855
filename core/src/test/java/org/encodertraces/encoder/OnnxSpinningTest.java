package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX Runtime's spin-waiting (on by its default, off in ours since issue 14) changes only how
 * idle threads wait: both shared models give bit-identical embeddings either way, on 1 and 2
 * intra-op threads.
 */
class OnnxSpinningTest {
    private final Registry registry = Registry.builtIn();

    @ParameterizedTest
    @ValueSource(strings = {"mobilenetv2-int8", "nsfwjs-mobilenetv2"})
    void spinningNeverChangesAnEmbedding(String id) {
        RegistryEntry e = registry.get(id);
        Path model = SharedData.require(((ModelSource.SharedFile) e.source()).path());
        OnnxEncoderOptions base = new OnnxEncoderOptions(model, e.inputName(), e.embedding(), e.preprocessing(),
                ExecutionProvider.CPU, 0, 2, false);
        int per = 3 * e.preprocessing().cropSize() * e.preprocessing().cropSize();
        float[] data = new float[3 * per];
        SplittableRandom r = new SplittableRandom(14);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        FloatTensorBatch batch = new FloatTensorBatch(e.preprocessing().tensorShape(3), data);
        float[][] reference;
        try (OnnxEncoder off = OnnxEncoder.open(base)) {
            reference = off.embed(batch);
        }
        assertEquals(3, reference.length);
        for (OnnxEncoderOptions o : new OnnxEncoderOptions[] {base.withSpinning(true), base.withIntraOpThreads(1),
                base.withIntraOpThreads(1).withSpinning(true)}) {
            try (OnnxEncoder enc = OnnxEncoder.open(o)) {
                float[][] got = enc.embed(batch);
                for (int i = 0; i < reference.length; i++) {
                    assertArrayEquals(reference[i], got[i], 0f, id + " row " + i + " with spinning " + o.spinning()
                            + ", " + o.intraOpThreads() + " threads");
                }
            }
        }
    }
}
