package org.encodertraces.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Benchmark harness for BENCHMARKS.md "Linear probe (L-BFGS)": fits our L-BFGS logistic
 * regression on the data {@code tools/reference/bench_probe.py} wrote (X.f32, y.i32, meta.json)
 * and prints wall time, iterations, final objective and training accuracy. Not a unit test.
 *
 * <pre>
 * mvn -q -B test-compile
 * java -cp core/target/classes:core/target/test-classes:$(cat core/target/bench.cp) org.encodertraces.probe.ProbeBenchmark DIR [threads] [repeats]
 * java -cp ... org.encodertraces.probe.ProbeBenchmark DIR threads repeats sgd [lr] [wd]   (SgdTrainer, the study's settings)
 * </pre>
 */
public final class ProbeBenchmark {
    private ProbeBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
        int n = meta.get("n").asInt();
        int d = meta.get("d").asInt();
        int k = meta.get("k").asInt();
        double c = meta.get("c").asDouble();
        ByteBuffer xb = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("X.f32"))).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer yb = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("y.i32"))).order(ByteOrder.LITTLE_ENDIAN);
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = xb.getFloat();
            }
            y[i] = yb.getInt();
        }
        if (args.length > 3 && args[3].equals("sgd")) {
            double lrate = args.length > 4 ? Double.parseDouble(args[4]) : 1.0;
            double wd = args.length > 5 ? Double.parseDouble(args[5]) : 1e-6;
            for (int r = 0; r < repeats; r++) {
                SgdTrainer sgd = SgdTrainer.of(lrate, wd, r).withThreads(threads);
                long t0 = System.nanoTime();
                FitReport fit = sgd.fit(x, y, k);
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("{\"implementation\": \"encoder-traces SgdTrainer\", \"threads\": %d, \"fit_seconds\": %.3f,"
                        + " \"epochs\": %d, \"train_accuracy\": %.5f, \"lr\": %s, \"wd\": %s, \"java\": \"%s\"}%n",
                        threads, secs, fit.iterations(), accuracy(fit, x, y), lrate, wd, System.getProperty("java.version"));
            }
            return;
        }
        LogisticRegression lr = LogisticRegression.of(c).withThreads(threads);
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            FitReport fit = lr.fit(x, y, k);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("{\"implementation\": \"encoder-traces LogisticRegression (L-BFGS)\", \"threads\": %d, \"fit_seconds\": %.3f,"
                    + " \"iterations\": %d, \"objective\": %.6f, \"train_accuracy\": %.5f, \"stop\": \"%s\", \"java\": \"%s\"}%n",
                    threads, secs, fit.iterations(), fit.objective(), accuracy(fit, x, y), fit.stop(), System.getProperty("java.version"));
        }
    }

    private static double accuracy(FitReport fit, float[][] x, int[] y) {
        int[] pred = fit.model().predict(x);
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            ok += pred[i] == y[i] ? 1 : 0;
        }
        return ok / (double) y.length;
    }
}
