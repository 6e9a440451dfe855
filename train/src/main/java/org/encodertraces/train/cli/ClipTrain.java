package org.encodertraces.train.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.encodertraces.cli.CliEnv;
import org.encodertraces.cli.Interruption;
import org.encodertraces.cli.Progress;
import org.encodertraces.cli.UsageException;
import org.encodertraces.data.CaptionsDataset;
import org.encodertraces.data.Datasets;
import org.encodertraces.data.ReadFailure;
import org.encodertraces.train.Architecture;
import org.encodertraces.train.CaptionTokenizer;
import org.encodertraces.train.CaptionedImages;
import org.encodertraces.train.ClipArchitecture;
import org.encodertraces.train.ClipConfig;
import org.encodertraces.train.ClipEvaluation;
import org.encodertraces.train.ClipRun;
import org.encodertraces.train.Libtorch;
import org.encodertraces.train.Recipe;
import org.encodertraces.train.TrainedEncoder;

/** {@code traces train --objective clip}: the options of {@link TrainCommand} read as a CLIP run, and its printing. */
final class ClipTrain {
    private ClipTrain() {
    }

    /** The CLIP architecture of the command's options. */
    static ClipArchitecture architecture(TrainCommand c) {
        return architecture(c.arch, c.size, c.patch, c.width, c.depth, c.heads, c.pooling, c.stages, c.context, c.textWidth, c.textDepth, c.textHeads,
                c.embedDim);
    }

    /** The CLIP architecture of these options, with the defaults of {@code traces train --objective clip} for those not given (null). */
    static ClipArchitecture architecture(String arch, Integer size, int patch, Integer width, Integer depth, int heads, String pooling, int stages,
                                         int context, int textWidth, int textDepth, int textHeads, int embedDim) {
        int s = size == null ? 64 : size;
        if (arch.equals("resnet")) {
            return new ClipArchitecture("resnet", s, 0, 0, 0, 1, "cls", new Architecture("resnet", width == null ? 16 : width,
                    depth == null ? 1 : depth, stages, s), context, textWidth, textDepth, textHeads, embedDim);
        }
        return new ClipArchitecture(arch, s, patch, width == null ? 64 : width, depth == null ? 4 : depth, heads, pooling, null,
                context, textWidth, textDepth, textHeads, embedDim);
    }

    /** The test split's spec: --test, or the training spec with split=test. */
    static String testSpec(String images, String test) {
        if (test != null) {
            return test;
        }
        if (!images.contains("split=train")) {
            throw new UsageException("--objective clip measures zero-shot retrieval on held-out captions: give --test captions:...?split=test");
        }
        return images.replace("split=train", "split=test");
    }

    static int run(TrainCommand c, PrintWriter o, PrintWriter err) throws IOException, InterruptedException {
        ClipConfig cfg;
        CaptionsDataset trainSet;
        CaptionsDataset testSet;
        Map<String, float[]> initial = null;
        try {
            if (c.init != null) {
                initial = ClipRun.initialWeights(c.init);
            }
            cfg = new ClipConfig(architecture(c), Recipe.parse(c.recipe), c.epochs, c.seed, c.batchSize, c.lr == null ? 5e-4 : c.lr,
                    c.weightDecay == null ? 0.1 : c.weightDecay, c.threads, c.minCount,
                    c.init == null ? null : new ClipConfig.Init(c.init.toString(), ClipRun.checkpointSha256(c.init)));
            trainSet = Datasets.openCaptions(c.images);
            testSet = Datasets.openCaptions(testSpec(c.images, c.test));
            if (testSet.dataset().source().equals(trainSet.dataset().source())) {
                throw new UsageException("--test is the training split itself (" + testSet.dataset().source() + "): retrieval must be measured on held-out pairs");
            }
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
        Map<String, String> engine = Libtorch.start(cfg.threads(), Libtorch.defaultCache(System.getenv()));
        CaptionedImages data = CaptionedImages.decode(trainSet, cfg.threads()).first(c.maxImages);
        CaptionedImages test = CaptionedImages.decode(testSet, cfg.threads()).first(c.maxTest);
        report(err, data);
        report(err, test);
        if (!java.util.Collections.disjoint(new java.util.HashSet<>(data.ids()), test.ids()) && trainSet.dataset().source().replace("split=train", "")
                .equals(testSet.dataset().source().replace("split=test", ""))) {
            throw new UsageException(testSet.dataset().source() + ": test images are also training images; retrieval must be measured on held-out pairs");
        }
        CaptionTokenizer tok;
        try {
            tok = ClipRun.tokenizer(cfg, data, c.init);
            o.printf("training %s (%s) on %d images (%d captions) of %s, recipe %s, seed %d, %d epochs, %d thread(s), vocabulary %d, %s %s -> %s%n",
                    cfg.arch().label(), cfg.mode(), data.size(), data.allCaptions().size(), trainSet.dataset().name(), cfg.recipe().name(), cfg.seed(),
                    cfg.epochs(), cfg.threads(), tok.size(), engine.get("engine"), engine.get("libtorch"), c.out);
            if (Files.isRegularFile(c.out.resolve(TrainedEncoder.CHECKPOINT))) {
                o.println("resuming from " + c.out.resolve(TrainedEncoder.CHECKPOINT));
            }
            o.flush();
            ClipRun.Outcome r;
            try (TrainCommand.TrainProgress p = new TrainCommand.TrainProgress(err, cfg.epochs(), cfg.batchSize(), "images that found their caption in the batch",
                    c.quiet, null, Progress.interval(CliEnv.of(c.spec)));
                 Interruption interruption = Interruption.announce(err, "traces train: interrupted; rerun the same command to"
                         + " resume from the last finished epoch (" + c.out.resolve(TrainedEncoder.CHECKPOINT) + ")")) {
                r = ClipRun.run(cfg, tok, data, test, initial, c.out, engine, p, c.stopAfter);
            }
            if (!r.complete()) {
                o.printf("stopped after epoch %d of %d; run again to resume%n", r.epochsRun(), cfg.epochs());
                o.flush();
                return 0;
            }
            if (r.reused()) {
                o.println("already complete (same settings and data): " + c.out.resolve(TrainedEncoder.PROVENANCE));
            }
            o.printf("zero-shot retrieval on %d test images, %d captions (chance in brackets):%n", test.size(), test.allCaptions().size());
            for (ClipEvaluation.Recall x : r.recall()) {
                o.printf(java.util.Locale.ROOT, "  %s R@%d %.1f%% [%.1f%%, %.1f%%] (chance %.1f%%, n = %d)%n", x.direction(), x.k(), 100 * x.recall(),
                        100 * x.lo(), 100 * x.hi(), 100 * x.chance(), x.n());
            }
            o.printf("wrote %s, %s, %s, %s, %s%n", c.out.resolve(TrainedEncoder.ONNX), c.out.resolve(TrainedEncoder.SPEC), c.out.resolve(ClipRun.TEXT_ONNX),
                    c.out.resolve(CaptionTokenizer.FILE), c.out.resolve(TrainedEncoder.PROVENANCE));
            o.flush();
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
        return data.failures().isEmpty() && test.failures().isEmpty() ? 0 : 1;
    }

    static void report(PrintWriter err, CaptionedImages d) {
        if (d.failures().isEmpty()) {
            return;
        }
        err.printf("%d image(s) of %s could not be decoded and are left out with their captions:%n", d.failures().size(), d.source().dataset().source());
        for (ReadFailure f : d.failures().subList(0, Math.min(20, d.failures().size()))) {
            err.println("  " + f.file() + ": " + f.reason());
        }
        if (d.failures().size() > 20) {
            err.println("  ...");
        }
        err.flush();
    }
}
