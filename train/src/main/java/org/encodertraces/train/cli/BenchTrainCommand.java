package org.encodertraces.train.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.cli.UsageException;
import org.encodertraces.train.Architecture;
import org.encodertraces.train.ClipArchitecture;
import org.encodertraces.train.Libtorch;
import org.encodertraces.train.TrainingBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traces bench-train}: training-step throughput on random batches ({@link TrainingBench}
 * times it) of the residual CNN ({@code --objective cross-entropy}) or of the small CLIP of
 * {@code traces train --objective clip} ({@code --objective clip}: a ViT image tower and the causal
 * text tower), the figures that {@code tools/bench/train_throughput.sh} and
 * {@code tools/bench/clip_throughput.sh} set beside the same networks in PyTorch.
 */
@Command(name = "bench-train", mixinStandardHelpOptions = true,
        header = "Benchmark: training steps of the residual CNN or the small CLIP on random batches.",
        description = "Time training steps on random batches (no data pipeline): the residual CNN (SGD), or with --objective clip "
                + "the ViT + text transformer CLIP of traces train --objective clip (AdamW). "
                + "See tools/bench/train_throughput.sh and tools/bench/clip_throughput.sh")
public final class BenchTrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--objective", defaultValue = "cross-entropy", description = "cross-entropy (the residual CNN) or clip (default ${DEFAULT-VALUE})")
    String objective;

    @Option(names = "--width", description = "resnet: channels of the first stage (default 16); clip: ViT width (default 64)")
    Integer width;

    @Option(names = "--depth", description = "resnet: blocks per stage (default 1); clip: ViT blocks (default 4)")
    Integer depth;

    @Option(names = "--stages", description = "resnet: stages (default 3)")
    Integer stages;

    @Option(names = "--size", description = "input side in pixels (default 32; 64 for clip)")
    Integer size;

    @Option(names = "--patch", description = "clip: ViT patch side (default 8)")
    Integer patch;

    @Option(names = "--heads", description = "clip: ViT attention heads (default 4)")
    Integer heads;

    @Option(names = "--pooling", description = "clip: ViT pooling, cls or mean (default cls)")
    String pooling;

    @Option(names = "--context", description = "clip: text context length (default 32)")
    Integer context;

    @Option(names = "--text-width", description = "clip: text transformer width (default 64)")
    Integer textWidth;

    @Option(names = "--text-depth", description = "clip: text transformer blocks (default 2)")
    Integer textDepth;

    @Option(names = "--text-heads", description = "clip: text attention heads (default 4)")
    Integer textHeads;

    @Option(names = "--embed-dim", description = "clip: shared embedding size (default 64)")
    Integer embedDim;

    @Option(names = "--vocab", description = "clip: vocabulary size (default 4928, the Flickr8k training split's at --min-count 2)")
    Integer vocab;

    @Option(names = "--batch-size", defaultValue = "128")
    int batch;

    @Option(names = "--steps", defaultValue = "30", description = "timed steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "5")
    int warmup;

    @Option(names = "--threads", defaultValue = "1")
    int threads;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        if (steps < 1 || warmup < 0 || batch < 2 || threads < 1) {
            throw new UsageException("--steps and --threads must be at least 1, --warmup at least 0 and --batch-size at least 2");
        }
        boolean clip;
        List<String> foreign = new ArrayList<>();
        switch (objective) {
            case "cross-entropy" -> {
                clip = false;
                collect(foreign, "--patch", patch, "--heads", heads, "--pooling", pooling, "--context", context, "--text-width", textWidth,
                        "--text-depth", textDepth, "--text-heads", textHeads, "--embed-dim", embedDim, "--vocab", vocab);
            }
            case "clip" -> {
                clip = true;
                collect(foreign, "--stages", stages);
            }
            default -> throw new UsageException("unknown --objective '" + objective + "' for bench-train (known: cross-entropy, clip)");
        }
        if (!foreign.isEmpty()) {
            throw new UsageException(String.join(", ", foreign) + " do(es) not apply to --objective " + objective);
        }
        ClipArchitecture clipArch = null;
        Architecture arch = null;
        try {
            if (clip) {
                int s = or(size, 64);
                clipArch = new ClipArchitecture("vit", s, or(patch, 8), or(width, 64), or(depth, 4), or(heads, 4), pooling == null ? "cls" : pooling,
                        null, or(context, 32), or(textWidth, 64), or(textDepth, 2), or(textHeads, 4), or(embedDim, 64));
                if (or(vocab, 4928) <= 4) {
                    throw new IllegalArgumentException("--vocab must exceed the tokenizer's 4 special tokens");
                }
            } else {
                arch = new Architecture("resnet", or(width, 16), or(depth, 1), or(stages, 3), or(size, 32));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e);
        }
        Map<String, String> engine = Libtorch.start(threads, Libtorch.defaultCache(System.getenv()));
        if (clip) {
            TrainingBench.ClipResult c = TrainingBench.runClip(clipArch, or(vocab, 4928), batch, steps, warmup);
            TrainingBench.Result r = c.total();
            o.printf(Locale.ROOT, "djl %s %s threads=%d %s-%dpx vocab=%d params=%d batch=%d steps=%d: %.1f ms/step, %.0f img/s"
                            + " (forward+loss %.1f, backward %.1f, adamw %.1f ms/step)%n",
                    engine.get("engine"), engine.get("libtorch"), threads, clipArch.label(), clipArch.imageSize(), or(vocab, 4928), r.parameters(),
                    r.batch(), r.steps(), r.msPerStep(), r.imagesPerSecond(), 1000 * c.forward() / steps, 1000 * c.backward() / steps,
                    1000 * c.optimizer() / steps);
        } else {
            TrainingBench.Result r = TrainingBench.run(arch, batch, steps, warmup);
            o.printf(Locale.ROOT, "djl %s %s threads=%d %s params=%d batch=%d steps=%d: %.1f ms/step, %.0f img/s%n",
                    engine.get("engine"), engine.get("libtorch"), threads, arch.label(), r.parameters(), r.batch(), r.steps(), r.msPerStep(),
                    r.imagesPerSecond());
        }
        o.flush();
        return 0;
    }

    private static int or(Integer v, int dflt) {
        return v == null ? dflt : v;
    }

    private static void collect(List<String> out, Object... nameValue) {
        for (int i = 0; i < nameValue.length; i += 2) {
            if (nameValue[i + 1] != null) {
                out.add((String) nameValue[i]);
            }
        }
    }
}
