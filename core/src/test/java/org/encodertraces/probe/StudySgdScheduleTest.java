package org.encodertraces.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The study's learning-rate schedule ({@code logreg_trainer.py}: {@code adjust_learning_rate} after
 * each epoch) against the CosineAnnealingLR one: epochs 0 and 1 both at lr, epoch e >= 1 at
 * 0.5 lr (1 + cos(pi (e - 1) / E)). Tolerance 1e-15 relative (the same formula in doubles).
 */
class StudySgdScheduleTest {
    @Test
    void studyScheduleLagsTheCosineByOneEpoch() {
        float[][] x = {{1, 0}, {0, 1}, {1, 1}, {0.5f, 0}};
        int[] y = {0, 1, 1, 0};
        int epochs = 8;
        double lr = 2.0;
        List<Double> study = new ArrayList<>();
        List<Double> cosine = new ArrayList<>();
        new SgdTrainer(lr, 0, epochs, 2, 0.9, 1, 1, true).fit(x, y, 2, null, (e, l, loss) -> study.add(l));
        new SgdTrainer(lr, 0, epochs, 2, 0.9, 1, 1).fit(x, y, 2, null, (e, l, loss) -> cosine.add(l));
        assertEquals(epochs, study.size());
        assertEquals(lr, study.get(0), 0);
        assertEquals(lr, study.get(1), 0);
        for (int e = 1; e < epochs; e++) {
            assertEquals(0.5 * lr * (1 + Math.cos(Math.PI * (e - 1) / epochs)), study.get(e), 1e-15 * lr);
            assertEquals(cosine.get(e - 1), study.get(e), 1e-15 * lr);
        }
        assertEquals(0.5 * lr * (1 + Math.cos(Math.PI * (epochs - 1) / epochs)), cosine.get(epochs - 1), 1e-15 * lr);
    }

    @Test
    void theStudyProtocolTrainsWithTheStudySchedule() {
        ProbeConfig study = ProbeConfig.study().withBudget(1, 1);
        ProbeConfig robust = study.withProtocol(org.encodertraces.rng.Protocol.ROBUST);
        float[][] x = {{1, 0}, {0, 1}, {1, 1}, {0.5f, 0}};
        int[] y = {0, 1, 1, 0};
        java.util.Map<String, Double> hp = java.util.Map.of("lr", 1.0, "weight_decay", 1e-6);
        FitReport a = TrainerKind.SGD.fit(hp, x, y, 2, study, 0);
        FitReport b = TrainerKind.SGD.fit(hp, x, y, 2, robust, 0);
        FitReport a2 = new SgdTrainer(1.0, 1e-6, study.epochs(), study.batchSize(), 0.9, 0, 1, true).fit(x, y, 2);
        assertEquals(a2.objective(), a.objective(), 0);
        org.junit.jupiter.api.Assertions.assertNotEquals(a.objective(), b.objective());
        assertEquals(22, study.searchSeed());
        assertEquals(0, robust.searchSeed());
    }
}
