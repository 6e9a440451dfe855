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
import org.encodertraces.result.ResultDocument;
import org.encodertraces.knn.KnnInfluence;
import org.encodertraces.knn.KnnResult;
import org.encodertraces.knn.KnnSetup;
import org.encodertraces.knn.KnnDocuments;
import org.encodertraces.embed.EmbeddingIndex;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.validity.SampleIdentity;
import org.encodertraces.embed.OperationSets;
import org.encodertraces.probe.ProcessingProbe;
import org.encodertraces.rng.Protocol;
import org.encodertraces.validity.Overlap;
import org.encodertraces.validity.Validity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code traces knn}: kNN classification under controlled processing (the study's five set-ups).
 * {@code traces spark knn} extends it, overriding {@link #compute} to search on a cluster.
 */
@Command(name = "knn", header = "kNN accuracy under controlled processing (the five set-ups) on embedding sets.", mixinStandardHelpOptions = true,
        description = {"kNN classification with the training images (the database) under chosen processing operations: "
                        + "all-same, pos-same, neg-same, all-diff and uniform set-ups, averaged over test operations.",
                "Inputs are embedding sets (safetensors with 'image_embeddings' [N,D] and a label tensor), one per "
                        + "operation, rows of the same image aligned across operations: --train/--test OP=FILE (a database "
                        + "and query split), or --set OP=FILE (one folder, its images split by --test-fraction and --seed, "
                        + "as traces probe --set splits them).",
                "Query images that are also in the database (the same sample id, or the same embedding bit for bit) are "
                        + "refused: evaluating an image against itself inflates the figure (--allow-overlap goes on, with a "
                        + "warning recorded in the result). k must be below the database size. With a single class kNN is "
                        + "not applicable (every set-up would read 100%%): that is said and nothing is computed.",
                "Writes OUTDIR/knn.json (inputs with sha256, parameters, seeds, metrics, chance, per-class figures, "
                        + "provenance) and OUTDIR/knn.csv. Exit status: 0 done, 2 bad usage or unreadable input."})
public class KnnCommand implements Callable<Integer> {
    /** The words its refusals are said under, also when {@code traces spark knn} runs it (as they always were). */
    private static final String KNN = "knn";

    @Spec
    CommandSpec spec;

    @Option(names = "--train", paramLabel = "OP=PATH",
            description = "training (database) embeddings under operation OP; repeat for every operation")
    Map<String, Path> train = new LinkedHashMap<>();

    @Option(names = "--test", paramLabel = "OP=PATH",
            description = "test (query) embeddings under operation OP; the same operations as --train")
    Map<String, Path> test = new LinkedHashMap<>();

    @Option(names = "--set", paramLabel = "OP=PATH",
            description = "embeddings of one folder under operation OP (repeat per operation), split into database and queries by"
                    + " --test-fraction and --seed (instead of --train/--test)")
    Map<String, Path> set = new LinkedHashMap<>();

    @Option(names = "--test-fraction", defaultValue = "0.2",
            description = "with --set: images held out as queries, seeded by --seed as traces probe --set splits them (default ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--allow-overlap", description = "go on when query images are also in the database (a warning is printed and recorded)")
    boolean allowOverlap;

    @Option(names = "--task", defaultValue = "", description = "task group recorded in the output: jpeg, sharpening, resizing, interpolation")
    String task;

    @Option(names = "-k", defaultValue = "10", description = "neighbours, below the database size (default ${DEFAULT-VALUE}; the study used 1 for iNaturalist)")
    long k;

    @Option(names = "--uniform-seeds", defaultValue = "10", description = "uniform set-up draws averaged (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--seed", defaultValue = "0", description = "first uniform seed, and with --set the seed of the split (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--protocol", defaultValue = "study",
            description = "uniform draw: study (np.random.default_rng(seed).choice(K, N), exactly) or robust (per-image hash) (default ${DEFAULT-VALUE})")
    String protocol;

    @Option(names = "--label-tensor", defaultValue = "label", description = "integer class tensor (default ${DEFAULT-VALUE})")
    String labelTensor;

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "search threads (0 = number of cores)")
    int threads;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "OUTDIR", description = "output folder")
    Path out;

    @picocli.CommandLine.Mixin
    EraserOption erasure = new EraserOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        Protocol prot;
        try {
            prot = Protocol.parse(protocol);
            if (set.isEmpty() == (train.isEmpty() && test.isEmpty())) {
                throw new IllegalArgumentException("give either --train and --test OP=FILE (database and queries) or --set OP=FILE"
                        + " (one folder, split by --test-fraction)");
            }
            if (set.isEmpty() && !train.keySet().equals(test.keySet())) {
                throw new IllegalArgumentException("--train operations " + train.keySet() + " and --test operations " + test.keySet() + " differ");
            }
            if (k < 1) {
                throw new IllegalArgumentException(Validity.kProblem(k, Long.MAX_VALUE));
            }
        } catch (IllegalArgumentException e) {
            throw UsageException.of(KNN, e);
        }
        Instant start = Instant.now();
        if (readsDatabaseRows() && set.isEmpty() && !erasure.active()) {
            return callOverFiles(prot, start, err, outw);
        }
        List<KnnInfluence.OperationEmbeddings> ops = new ArrayList<>();
        List<ResultDocument.Input> inputs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int[] trainLabels = null;
        int[] testLabels = null;
        try {
            List<String> names = new ArrayList<>();
            List<EmbeddingSet> trainSets = new ArrayList<>();
            List<EmbeddingSet> testSets = new ArrayList<>();
            if (set.isEmpty()) {
                for (String op : train.keySet()) {
                    names.add(op);
                    trainSets.add(erasure.apply(EmbeddingInputs.read(train.get(op)), train.get(op)));
                    testSets.add(erasure.apply(EmbeddingInputs.read(test.get(op)), test.get(op)));
                    inputs.add(ResultDocument.Input.of("train " + op, train.get(op)));
                    inputs.add(ResultDocument.Input.of("test " + op, test.get(op)));
                }
            } else {
                OperationSets.Builder aligned = OperationSets.builder(null);
                for (String op : set.keySet()) {
                    names.add(op);
                    aligned.add(op, set.get(op), erasure.apply(EmbeddingInputs.read(set.get(op)), set.get(op)));
                    inputs.add(ResultDocument.Input.of("set " + op, set.get(op)));
                }
                OperationSets whole = aligned.build();
                ProcessingProbe.ImageSplit split = ProcessingProbe.ImageSplit.random(whole.images(), testFraction, seed);
                for (EmbeddingSet s : whole.sets()) {
                    trainSets.add(s.select(split.train()));
                    testSets.add(s.select(split.test()));
                }
                notes.add("one folder split by --test-fraction " + testFraction + " and --seed " + seed + ": " + split.train().length
                        + " database and " + split.test().length + " query images");
            }
            for (int i = 0; i < names.size(); i++) {
                String op = names.get(i);
                EmbeddingSet tr = trainSets.get(i);
                EmbeddingSet te = testSets.get(i);
                erasure.requireUnseen(te, te.ids(), "query (--test) images");
                int[] yTr = EmbeddingInputs.ints(tr, labelTensor, set.isEmpty() ? train.get(op) : set.get(op));
                int[] yTe = EmbeddingInputs.ints(te, labelTensor, set.isEmpty() ? test.get(op) : set.get(op));
                if (trainLabels != null && (!Arrays.equals(trainLabels, yTr) || !Arrays.equals(testLabels, yTe)
                        || !tr.ids().equals(trainSets.get(0).ids()) || !te.ids().equals(testSets.get(0).ids()))) {
                    throw new IllegalArgumentException("sample ids or labels of operation " + op
                            + " differ from the first operation's: rows are not the same images in the same order");
                }
                trainLabels = yTr;
                testLabels = yTe;
                ops.add(new KnnInfluence.OperationEmbeddings(op, EmbeddingInputs.matrix(tr), EmbeddingInputs.matrix(te)));
            }
            if (erasure.active()) {
                inputs.add(ResultDocument.Input.of("eraser", erasure.file));
            }
            Overlap overlap = Overlap.find(names, trainSets, testSets);
            admitOverlap(overlap, notes, err);
            Validity.requireK(k, trainLabels.length);
        } catch (IOException | IllegalArgumentException e) {
            throw UsageException.of(KNN, e);
        }
        int[] yTr = trainLabels;
        int[] yTe = testLabels;
        return finish(prot, start, outw, inputs, notes, trainLabels, testLabels, knn -> compute(knn, ops, yTr, yTe));
    }

    /** The computation once the inputs are read and checked. */
    private interface Computation {
        KnnResult run(KnnInfluence knn) throws Exception;
    }

    /**
     * {@code --train/--test} with the database rows read by {@link #computeOverFiles} (a cluster's workers): this
     * side reads the training sets' ids and labels ({@link EmbeddingSetIO#readIndex}) and the query sets whole.
     */
    private Integer callOverFiles(Protocol prot, Instant start, PrintWriter err, PrintWriter outw) throws Exception {
        List<String> names = new ArrayList<>(train.keySet());
        List<EmbeddingIndex> database = new ArrayList<>();
        List<FloatMatrix> queries = new ArrayList<>();
        List<ResultDocument.Input> inputs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int[] trainLabels = null;
        int[] testLabels = null;
        EmbeddingSet firstTest = null;
        try {
            for (String op : names) {
                EmbeddingIndex tr = EmbeddingSetIO.readIndex(train.get(op));
                EmbeddingSet te = EmbeddingInputs.read(test.get(op));
                inputs.add(ResultDocument.Input.of("train " + op, train.get(op)));
                inputs.add(ResultDocument.Input.of("test " + op, test.get(op)));
                int[] yTr = EmbeddingInputs.ints(tr.labels(), labelTensor, train.get(op));
                int[] yTe = EmbeddingInputs.ints(te, labelTensor, test.get(op));
                if (trainLabels != null && (!Arrays.equals(trainLabels, yTr) || !Arrays.equals(testLabels, yTe)
                        || !tr.ids().equals(database.get(0).ids()) || !te.ids().equals(firstTest.ids()))) {
                    throw new IllegalArgumentException("sample ids or labels of operation " + op
                            + " differ from the first operation's: rows are not the same images in the same order");
                }
                if (tr.dim() != te.dim() || (!database.isEmpty() && tr.dim() != database.get(0).dim())) {
                    throw new IllegalArgumentException("operation " + op + ": embedding dimension differs (database " + tr.dim()
                            + ", queries " + te.dim() + ")");
                }
                firstTest = firstTest == null ? te : firstTest;
                trainLabels = yTr;
                testLabels = yTe;
                database.add(tr);
                queries.add(EmbeddingInputs.matrix(te));
            }
            EmbeddingIndex db0 = database.get(0);
            Overlap overlap = Overlap.of(names, SampleIdentity.keys(db0.provenance(), db0.ids()), SampleIdentity.keys(firstTest),
                    db0.ids(), firstTest.ids(), firstEqualRows(database, queries));
            admitOverlap(overlap, notes, err);
            Validity.requireK(k, trainLabels.length);
        } catch (IOException | IllegalArgumentException e) {
            throw UsageException.of(KNN, e);
        }
        int[] yTr = trainLabels;
        int[] yTe = testLabels;
        return finish(prot, start, outw, inputs, notes, trainLabels, testLabels,
                knn -> computeOverFiles(knn, names, database, queries, yTr, yTe));
    }

    private Integer finish(Protocol prot, Instant start, PrintWriter outw, List<ResultDocument.Input> inputs, List<String> notes,
                           int[] trainLabels, int[] testLabels, Computation computation) throws Exception {
        Files.createDirectories(out);
        Path json = out.resolve("knn.json");
        Path csv = out.resolve("knn.csv");
        if (Validity.classes(trainLabels) < Validity.MIN_CLASSES) {
            KnnDocuments.writeNotApplicable(task, inputs, Validity.ONE_CLASS, notes, new KnnDocuments.RunTimes(start, Instant.now()), json, csv);
            outw.printf(Locale.ROOT, "kNN %s%nwrote %s and %s%n", Validity.ONE_CLASS, json, csv);
            outw.flush();
            return 0;
        }
        KnnResult r;
        try {
            r = computation.run(new KnnInfluence(new KnnInfluence.Config((int) k, seeds, seed, threads, prot)));
        } catch (IllegalArgumentException e) {
            throw UsageException.of(KNN, e);
        }
        KnnDocuments.writeKnn(r, task, inputs, threads, new KnnDocuments.RunTimes(start, Instant.now()), json, csv, notes);
        Map<KnnSetup, Integer> ties = r.voteTies();
        String marks = String.join("; ", marks(r));
        outw.printf(Locale.ROOT, "k = %d, database %d images, n = %d queries per operation, chance %.4f (the largest class's share)%s%n",
                r.k(), r.databaseSize(), r.queries(), r.chance(), marks.isEmpty() ? "" : "; " + marks);
        for (KnnSetup s : KnnSetup.values()) {
            if (r.accuracy().containsKey(s)) {
                outw.printf(Locale.ROOT, "%-9s %.4f  (vote ties: %d)%n", s.label(), r.accuracy().get(s), ties.getOrDefault(s, 0));
            }
        }
        outw.printf(Locale.ROOT, "pos-same minus neg-same: %.4f%nwrote %s and %s%n", r.gapPosMinusNeg(), json, csv);
        outw.flush();
        return 0;
    }

    /** The validity marks of a result: small sample, ceiling. */
    static List<String> marks(KnnResult r) {
        List<String> m = new ArrayList<>();
        if (Validity.smallSample(r.queries())) {
            m.add(Validity.smallSampleMark(r.queries()));
        }
        if (r.atCeiling()) {
            m.add(Validity.CEILING_NOTE);
        }
        return m;
    }

    /** The search threads ({@code --threads}; 0 = one per core). */
    protected final int threads() {
        return threads;
    }

    /**
     * Whether {@link #computeOverFiles} reads the database rows itself, so that a {@code --train/--test} run
     * without an eraser never holds them here ({@code traces spark knn}: the executors read row ranges).
     */
    protected boolean readsDatabaseRows() {
        return false;
    }

    /**
     * Per operation, per query row: the lowest database row with the query's embedding bit for bit, or -1
     * ({@link Overlap#firstEqualRows} over every row of each database), for a command that
     * {@link #readsDatabaseRows}.
     */
    protected int[][] firstEqualRows(List<EmbeddingIndex> database, List<FloatMatrix> queries) throws IOException {
        throw new UnsupportedOperationException("this command reads the database here");
    }

    /** Runs the experiment with the database rows read from the files by this command ({@link #readsDatabaseRows}). */
    protected KnnResult computeOverFiles(KnnInfluence knn, List<String> names, List<EmbeddingIndex> database, List<FloatMatrix> queries,
                                         int[] trainLabels, int[] testLabels) throws Exception {
        throw new UnsupportedOperationException("this command reads the database here");
    }

    /** Runs the experiment; {@code traces spark knn} overrides this to partition the database over a cluster. */
    protected KnnResult compute(KnnInfluence knn, List<KnnInfluence.OperationEmbeddings> ops, int[] trainLabels, int[] testLabels)
            throws Exception {
        return knn.run(ops, trainLabels, testLabels);
    }

    /** Refuses queries the database holds, or with --allow-overlap goes on with a warning the result records. */
    private void admitOverlap(Overlap overlap, List<String> notes, java.io.PrintWriter err) {
        if (overlap.none()) {
            return;
        }
        String what = overlap.describe("query images", "the database");
        if (!allowOverlap) {
            throw new IllegalArgumentException(what + ". Give queries the database does not hold (or one folder with --set OP=FILE"
                    + " --test-fraction F, which splits it), or pass --allow-overlap to go on with a warning");
        }
        err.println("traces knn: warning: " + what + " (--allow-overlap: going on; the result records it)");
        notes.add("warning: " + what);
    }
}
