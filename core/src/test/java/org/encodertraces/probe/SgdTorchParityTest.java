package org.encodertraces.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.encodertraces.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our SGD trainer against PyTorch 1.13's training loop ({@code nn.Linear}, {@code cross_entropy}
 * mean, {@code SGD(momentum=0.9, weight_decay)}, {@code CosineAnnealingLR} per epoch, float64,
 * zero init) on the committed fixtures of {@code tools/reference/sgd_reference.py}, fed the same
 * per-epoch permutations. Both sides compute in double and differ only in summation order, so
 * the tolerances are tight: every weight and bias within {@value #PARAM_REL} of the largest torch
 * parameter of its fit, every epoch's mean loss within {@value #LOSS_REL} relative, every epoch's
 * learning rate within {@value #LR_REL} relative (torch's scheduler uses a recursive form, ours
 * the closed form), and the same test accuracy. With 1 and 3 threads, bit-identical.
 */
class SgdTorchParityTest {
    static final double PARAM_REL = 1e-10;
    static final double LOSS_REL = 1e-10;
    static final double LR_REL = 1e-13;

    static Stream<Path> cases() throws IOException {
        Path dir = TestData.fixture("torch/sgd");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    static int[][] permutations(JsonNode n) {
        int[][] out = new int[n.size()][];
        for (int e = 0; e < out.length; e++) {
            out[e] = SklearnParityTest.labels(n.get(e));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sgdMatchesPyTorch(Path file) throws IOException {
        JsonNode doc = new ObjectMapper().readTree(file.toFile());
        int k = doc.get("k").asInt();
        int epochs = doc.get("epochs").asInt();
        int batch = doc.get("batch_size").asInt();
        double momentum = doc.get("momentum").asDouble();
        float[][] tr = SklearnParityTest.matrix(doc.get("x_train"));
        float[][] te = SklearnParityTest.matrix(doc.get("x_test"));
        int[] ytr = SklearnParityTest.labels(doc.get("y_train"));
        int[] yte = SklearnParityTest.labels(doc.get("y_test"));
        int[][] perms = permutations(doc.get("permutations"));
        assertEquals(epochs, perms.length);
        for (JsonNode f : doc.get("fits")) {
            double lr = f.get("lr").asDouble();
            double wd = f.get("weight_decay").asDouble();
            String what = doc.get("name").asText() + " lr=" + lr + " wd=" + wd;
            double[] ourLr = new double[epochs];
            double[] ourLoss = new double[epochs];
            SgdTrainer sgd = new SgdTrainer(lr, wd, epochs, batch, momentum, 0, 1);
            FitReport fit = sgd.fit(tr, ytr, k, e -> perms[e].clone(), (e, l, loss) -> {
                ourLr[e] = l;
                ourLoss[e] = loss;
            });
            FitReport threaded = sgd.withThreads(3).fit(tr, ytr, k, e -> perms[e].clone(), null);

            double maxParam = 0;
            double maxDiff = 0;
            for (int c = 0; c < k; c++) {
                JsonNode wRow = f.get("weight").get(c);
                for (int j = 0; j < wRow.size(); j++) {
                    double t = wRow.get(j).asDouble();
                    maxParam = Math.max(maxParam, Math.abs(t));
                    maxDiff = Math.max(maxDiff, Math.abs(t - fit.model().weights()[c][j]));
                }
                double tb = f.get("bias").get(c).asDouble();
                maxParam = Math.max(maxParam, Math.abs(tb));
                maxDiff = Math.max(maxDiff, Math.abs(tb - fit.model().bias()[c]));
            }
            double maxLossRel = 0;
            double maxLrRel = 0;
            for (int e = 0; e < epochs; e++) {
                double tl = f.get("epoch_loss").get(e).asDouble();
                maxLossRel = Math.max(maxLossRel, Math.abs(tl - ourLoss[e]) / Math.abs(tl));
                double tlr = f.get("epoch_lr").get(e).asDouble();
                maxLrRel = Math.max(maxLrRel, Math.abs(tlr - ourLr[e]) / tlr);
            }
            double acc = ClassificationMetrics.of(yte, fit.model().predict(te), k).accuracy();
            double torchAcc = f.get("test_accuracy").asDouble();
            String report = String.format("%s: max |dparam| %.3g of max |param| %.3g (rel %.3g); max loss rel diff %.3g;"
                            + " max lr rel diff %.3g; accuracy ours %.4f torch %.4f; final loss %.6f",
                    what, maxDiff, maxParam, maxDiff / maxParam, maxLossRel, maxLrRel, acc, torchAcc, fit.objective());
            System.out.println(report);

            assertTrue(fit.converged(), report);
            assertEquals(epochs, fit.iterations(), report);
            assertTrue(maxDiff <= PARAM_REL * maxParam, report);
            assertTrue(maxLossRel <= LOSS_REL, report);
            assertTrue(maxLrRel <= LR_REL, report);
            assertEquals(torchAcc, acc, 1e-12, report);
            assertEquals(ourLoss[epochs - 1], fit.objective(), 0.0, report);
            for (int c = 0; c < k; c++) {
                assertArrayEquals(fit.model().weights()[c], threaded.model().weights()[c], 0.0, "threads: " + report);
            }
            assertArrayEquals(fit.model().bias(), threaded.model().bias(), 0.0, "threads: " + report);
        }
    }
}
