package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.knn.KnnInfluence;
import org.encodertraces.knn.KnnResult;
import org.encodertraces.knn.KnnSetup;
import org.encodertraces.knn.ResultFiles;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.rng.Protocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traces knn}: kNN classification under controlled processing (the study's five set-ups). */
@Command(name = "knn", header = "kNN accuracy under controlled processing (the five set-ups) on embedding sets.", mixinStandardHelpOptions = true,
        description = {"kNN classification with the training images (the database) under chosen processing operations: "
                        + "all-same, pos-same, neg-same, all-diff and uniform set-ups, averaged over test operations.",
                "Inputs are embedding sets (safetensors with 'image_embeddings' [N,D] and a label tensor), one per "
                        + "operation and split, rows of the same image aligned across operations.",
                "Writes OUTDIR/knn.json (inputs with sha256, parameters, seeds, metrics, per-class figures, "
                        + "provenance) and OUTDIR/knn.csv. Exit status: 0 done, 2 bad usage or unreadable input."})
public class KnnCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--train", required = true, paramLabel = "OP=PATH",
            description = "training (database) embeddings under operation OP; repeat for every operation")
    Map<String, Path> train = new LinkedHashMap<>();

    @Option(names = "--test", required = true, paramLabel = "OP=PATH",
            description = "test (query) embeddings under operation OP; the same operations as --train")
    Map<String, Path> test = new LinkedHashMap<>();

    @Option(names = "--task", defaultValue = "", description = "task group recorded in the output: jpeg, sharpening, resizing, interpolation")
    String task;

    @Option(names = "-k", defaultValue = "10", description = "neighbours (default ${DEFAULT-VALUE}; the study used 1 for iNaturalist)")
    int k;

    @Option(names = "--uniform-seeds", defaultValue = "10", description = "uniform set-up draws averaged (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--seed", defaultValue = "0", description = "first uniform seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--protocol", defaultValue = "study",
            description = "uniform draw: study (np.random.default_rng(seed).choice(K, N), exactly) or robust (per-image hash) (default ${DEFAULT-VALUE})")
    String protocol;

    @Option(names = "--label-tensor", defaultValue = "label", description = "integer class tensor (default ${DEFAULT-VALUE})")
    String labelTensor;

    @Option(names = "--threads", defaultValue = "0", description = "search threads (0 = number of cores)")
    int threads;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUTDIR", description = "output folder")
    Path out;

    @picocli.CommandLine.Mixin
    EraserOption erasure = new EraserOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        if (!train.keySet().equals(test.keySet())) {
            err.println("traces knn: --train operations " + train.keySet() + " and --test operations " + test.keySet() + " differ");
            return 2;
        }
        Protocol prot;
        try {
            prot = Protocol.parse(protocol);
        } catch (IllegalArgumentException e) {
            err.println("traces knn: " + e.getMessage());
            return 2;
        }
        Instant start = Instant.now();
        List<KnnInfluence.OperationEmbeddings> ops = new ArrayList<>();
        List<ResultFiles.InputFile> inputs = new ArrayList<>();
        int[] trainLabels = null;
        int[] testLabels = null;
        List<String> trainIds = null;
        List<String> testIds = null;
        try {
            for (String op : train.keySet()) {
                EmbeddingSet tr = erasure.apply(EmbeddingInputs.read(train.get(op)), train.get(op));
                EmbeddingSet te = erasure.apply(EmbeddingInputs.read(test.get(op)), test.get(op));
                erasure.requireUnseen(te, te.ids(), "query (--test) images");
                int[] yTr = EmbeddingInputs.ints(tr, labelTensor, train.get(op));
                int[] yTe = EmbeddingInputs.ints(te, labelTensor, test.get(op));
                if (trainLabels != null && (!Arrays.equals(trainLabels, yTr) || !Arrays.equals(testLabels, yTe)
                        || !tr.ids().equals(trainIds) || !te.ids().equals(testIds))) {
                    err.println("traces knn: sample ids or labels of operation " + op
                            + " differ from the first operation's: rows are not the same images in the same order");
                    return 2;
                }
                trainLabels = yTr;
                testLabels = yTe;
                trainIds = tr.ids();
                testIds = te.ids();
                ops.add(new KnnInfluence.OperationEmbeddings(op, EmbeddingInputs.matrix(tr), EmbeddingInputs.matrix(te)));
                inputs.add(ResultFiles.InputFile.of("train " + op, train.get(op)));
                inputs.add(ResultFiles.InputFile.of("test " + op, test.get(op)));
            }
            if (erasure.active()) {
                inputs.add(ResultFiles.InputFile.of("eraser", erasure.file));
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("traces knn: " + e.getMessage());
            return 2;
        }
        KnnResult r;
        try {
            r = compute(new KnnInfluence(new KnnInfluence.Config(k, seeds, seed, threads, prot)), ops, trainLabels, testLabels);
        } catch (IllegalArgumentException e) {
            err.println("traces knn: " + e.getMessage());
            return 2;
        }
        Files.createDirectories(out);
        Path json = out.resolve("knn.json");
        Path csv = out.resolve("knn.csv");
        ResultFiles.writeKnn(r, task, inputs, threads, new ResultFiles.RunTimes(start, Instant.now()), json, csv);
        Map<KnnSetup, Integer> ties = r.voteTies();
        for (KnnSetup s : KnnSetup.values()) {
            if (r.accuracy().containsKey(s)) {
                outw.printf(Locale.ROOT, "%-9s %.4f  (vote ties: %d)%n", s.label(), r.accuracy().get(s), ties.getOrDefault(s, 0));
            }
        }
        outw.printf(Locale.ROOT, "pos-same minus neg-same: %.4f%nwrote %s and %s%n", r.gapPosMinusNeg(), json, csv);
        outw.flush();
        return 0;
    }

    /** Runs the experiment; {@code traces spark knn} overrides this to partition the database over a cluster. */
    KnnResult compute(KnnInfluence knn, List<KnnInfluence.OperationEmbeddings> ops, int[] trainLabels, int[] testLabels)
            throws Exception {
        return knn.run(ops, trainLabels, testLabels);
    }
}
