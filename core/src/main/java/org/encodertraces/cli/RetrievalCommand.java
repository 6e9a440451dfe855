package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.knn.PairRetrieval;
import org.encodertraces.knn.KnnDocuments;
import org.encodertraces.knn.RetrievalResult;
import org.encodertraces.embed.EmbeddingSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traces retrieval}: PairCams pair retrieval, recall@k with distractors from one device class. */
@Command(name = "retrieval", header = "Phone/camera pair retrieval (recall@k in the two distractor set-ups).", mixinStandardHelpOptions = true,
        description = {"PairCams retrieval: each subject has one photo per device class; a query's target is the other "
                        + "photo of its subject. Recall@k with distractors from the query's own device class "
                        + "(negatives=query-device, the hard case) and from the other class (negatives=other-device), per "
                        + "query class and overall.",
                "Writes OUTDIR/retrieval.json and OUTDIR/retrieval.csv. Exit status: 0 done, 2 bad usage or "
                        + "unreadable input."})
public final class RetrievalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--set", required = true, paramLabel = "PATH",
            description = "embedding set (safetensors: 'image_embeddings' [N,D], subject and device tensors)")
    Path set;

    @Option(names = "--subject-tensor", defaultValue = "subject", description = "subject id tensor (default ${DEFAULT-VALUE})")
    String subjectTensor;

    @Option(names = "--device-tensor", defaultValue = "device", description = "device class tensor, values 0/1 (default ${DEFAULT-VALUE})")
    String deviceTensor;

    @Option(names = "--device-names", defaultValue = "camera,phone", split = ",",
            description = "names of device classes 0 and 1 (default ${DEFAULT-VALUE})")
    List<String> deviceNames;

    @Option(names = "--recall-at", defaultValue = "1,5", split = ",", description = "recall cut-offs (default ${DEFAULT-VALUE})")
    int[] ks;

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "search threads (0 = number of cores)")
    int threads;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "OUTDIR", description = "output folder")
    Path out;

    @picocli.CommandLine.Mixin
    EraserOption erasure = new EraserOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter outw = spec.commandLine().getOut();
        Instant start = Instant.now();
        RetrievalResult r;
        ResultDocument.Input input;
        try {
            EmbeddingSet f = erasure.apply(EmbeddingInputs.read(set), set);
            erasure.requireUnseen(f, f.ids(), "photos");
            input = ResultDocument.Input.of("embeddings", set);
            r = new PairRetrieval(threads).run(EmbeddingInputs.matrix(f), EmbeddingInputs.ints(f, subjectTensor, set),
                    EmbeddingInputs.ints(f, deviceTensor, set), deviceNames, ks);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(e);
        }
        Files.createDirectories(out);
        Path json = out.resolve("retrieval.json");
        Path csv = out.resolve("retrieval.csv");
        KnnDocuments.writeRetrieval(r, erasure.active() ? List.of(input, ResultDocument.Input.of("eraser", erasure.file)) : List.of(input), threads, new KnnDocuments.RunTimes(start, Instant.now()), json, csv);
        for (RetrievalResult.Recall x : r.recalls()) {
            outw.printf(Locale.ROOT, "%-24s %-8s recall@%d %.4f (%d/%d)%n", x.negatives(), x.queryClass(), x.k(), x.recall(),
                    x.hits(), x.queries());
        }
        outw.println("wrote " + json + " and " + csv);
        outw.flush();
        return 0;
    }
}
