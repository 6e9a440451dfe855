package org.encodertraces.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training run into its folder, end to end: resume from the folder's checkpoint, train,
 * measure the final accuracies, export the encoder. A folder whose {@code training.json} records
 * the same run as finished is reused without training again.
 *
 * <p>Why a class of its own: {@code traces train} and {@code traces ablation} run exactly the
 * same steps, and the ablation must be able to stop and continue run by run.
 */
public final class TrainRun {
    /**
     * What a run ended with.
     *
     * @param complete      all epochs done and the encoder written
     * @param reused        an earlier call had already finished it
     * @param epochsRun     epochs done so far
     * @param trainAccuracy accuracy on the (unaugmented) training images, NaN until complete
     * @param testAccuracy  accuracy on the test images, NaN without them or until complete
     * @param seconds       training time of this call
     */
    public record Outcome(boolean complete, boolean reused, int epochsRun, double trainAccuracy, double testAccuracy, double seconds) {
    }

    private TrainRun() {
    }

    /**
     * Runs (or resumes, or reuses) the run in {@code dir}.
     *
     * @param test            held-out images for the test accuracy, or null
     * @param stopAfterEpochs return after this many epochs of this call (0: no limit)
     */
    public static Outcome run(TrainConfig cfg, TrainingImages data, TrainingImages test, Path dir, Map<String, String> engine,
                              Training.Listener listener, int stopAfterEpochs) throws IOException, InterruptedException {
        if (test != null && !test.classes().equals(data.classes())) {
            throw new IllegalArgumentException(test.dataset().source() + ": its classes " + test.classes() + " differ from the training classes "
                    + data.classes());
        }
        Files.createDirectories(dir);
        String key = TrainedEncoder.runKey(cfg, data);
        Outcome done = finished(dir, key, test);
        if (done != null) {
            return done;
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Training.Result r = Training.run(cfg, data, dir.resolve(TrainedEncoder.CHECKPOINT), key, listener, stopAfterEpochs);
        double secs = (System.nanoTime() - t0) / 1e9;
        if (r.epochsRun() < cfg.epochs()) {
            return new Outcome(false, false, r.epochsRun(), Double.NaN, Double.NaN, secs);
        }
        double trainAcc = Evaluation.trainAccuracy(cfg, r.weights(), data);
        double testAcc = Double.NaN;
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("runKey", key);
        extra.put("finalTrainAccuracy", trainAcc);
        if (test != null) {
            testAcc = Evaluation.testAccuracy(cfg, r.weights(), data, test);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("source", test.dataset().source());
            t.put("manifestSha256", test.dataset().manifestSha256());
            t.put("images", test.size());
            t.put("failed", test.failures().size());
            t.put("accuracy", testAcc);
            extra.put("test", t);
        }
        extra.put("resumedFromEpoch", r.resumedFromEpoch());
        extra.put("trainingSecondsThisCall", secs);
        extra.put("failures", data.failures().stream().map(f -> Map.of("file", f.file().toString(), "reason", f.reason())).toList());
        TrainedEncoder.write(dir, cfg, data, r.weights(), engine, r.epochs(), extra, started);
        return new Outcome(true, false, cfg.epochs(), trainAcc, testAcc, secs);
    }

    /** The outcome recorded by an earlier call that finished the same run (and measured the same test set), or null. */
    static Outcome finished(Path dir, String key, TrainingImages test) throws IOException {
        Path prov = dir.resolve(TrainedEncoder.PROVENANCE);
        if (!Files.isRegularFile(prov) || !Files.isRegularFile(dir.resolve(TrainedEncoder.ONNX))) {
            return null;
        }
        JsonNode n = new ObjectMapper().readTree(prov.toFile());
        if (!key.equals(n.path("runKey").asText())) {
            return null;
        }
        double testAcc = Double.NaN;
        if (test != null) {
            if (!test.dataset().manifestSha256().equals(n.path("test").path("manifestSha256").asText())) {
                return null;
            }
            testAcc = n.path("test").path("accuracy").asDouble(Double.NaN);
        }
        return new Outcome(true, true, n.path("training").path("epochs").asInt(), n.path("finalTrainAccuracy").asDouble(Double.NaN), testAcc, 0);
    }

    /** The first {@code perClass} images of each class in dataset order (0: the dataset itself), as a dataset named for it. */
    public static org.encodertraces.data.Dataset perClass(org.encodertraces.data.Dataset d, int perClass) {
        if (perClass <= 0) {
            return d;
        }
        Map<Long, Integer> taken = new java.util.HashMap<>();
        List<org.encodertraces.data.Sample> keep = d.samples().stream().filter(s -> {
            Long l = s.labels().get("label");
            return l != null && taken.merge(l, 1, Integer::sum) <= perClass;
        }).toList();
        return new org.encodertraces.data.Dataset(org.encodertraces.data.Dataset.sanitize(d.name() + "_" + perClass + "pc"), d.source(), keep,
                d.labelNames());
    }
}
