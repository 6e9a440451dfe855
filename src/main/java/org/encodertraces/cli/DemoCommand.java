package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.data.DeadLeaves;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.PngIo;
import org.encodertraces.image.RgbImage;
import org.encodertraces.process.BatchProcessor;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.process.TraceStrength;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traces demo}: offline, nothing to download. Generates a deterministic set of synthetic
 * scenes, applies every processing operation of the study with the Pillow-exact pipeline, and
 * reports how much each operation changed the pixels.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Offline demo: generate synthetic dead-leaves scenes (5 classes), apply all of the study's processing",
                "operations, and write the processed images, summary.tsv and report.md to the output folder."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, defaultValue = "traces-demo", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--per-class", defaultValue = "4", description = "images per scene class (default ${DEFAULT-VALUE})")
    int perClass;

    @Option(names = "--seed", defaultValue = "0", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    static final List<String> OPS = List.of("IDENTITY", "JPEG75_420", "JPEG75_444", "JPEG85_420", "JPEG85_444", "JPEG95_420",
            "JPEG95_444", "SHARPEN_2", "SHARPEN_4", "RESIZE_HALF", "RESIZE_DOUBLE", "INTERPOLATION_BILINEAR",
            "INTERPOLATION_BICUBIC", "INTERPOLATION_LANCZOS", "INTERPOLATION_BOX", "MASK_90", "MASK_95");

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path images = out.resolve("images");
        List<BatchProcessor.Input> inputs = new ArrayList<>();
        Map<String, RgbImage> originals = new LinkedHashMap<>();
        for (DeadLeaves.SceneClass c : DeadLeaves.CLASSES) {
            for (int i = 0; i < perClass; i++) {
                RgbImage img = DeadLeaves.render(c, i, 256, 192, seed);
                String id = c.name() + "/" + c.name() + "_" + i + ".png";
                Path f = images.resolve(id);
                if (!Files.exists(f)) {
                    PngIo.write(img, f);
                }
                inputs.add(new BatchProcessor.Input(f, id));
                originals.put(id, img);
            }
        }
        List<ProcessingOp> ops = OPS.stream().map(ProcessingOp::parse).toList();
        o.printf("traces demo: %d synthetic images (%d classes x %d), %d operations -> %s%n",
                inputs.size(), DeadLeaves.CLASSES.size(), perClass, ops.size(), out.toAbsolutePath());
        o.flush();
        BatchProcessor.Result r;
        Path processed = out.resolve("processed");
        try (Progress p = new Progress(err, "demo", inputs.size())) {
            r = new BatchProcessor(new ImageDecoder(), Runtime.getRuntime().availableProcessors()).run(inputs, ops, seed, processed, p::step);
        }
        StringBuilder tsv = new StringBuilder("operation\timages\tmean_abs_diff\tmean_psnr_db\tmean_width\tmean_height\n");
        StringBuilder md = new StringBuilder("# traces demo\n\nSynthetic dead-leaves scenes, ")
                .append(inputs.size()).append(" images; each operation applied with the Pillow-exact pipeline.\n")
                .append("Mean absolute difference and PSNR are against the unprocessed image (same size only).\n\n")
                .append("| operation | images | mean abs diff | PSNR (dB) | mean size |\n|---|---|---|---|---|\n");
        ImageDecoder decoder = new ImageDecoder();
        for (ProcessingOp op : ops) {
            double abs = 0;
            double psnr = 0;
            double w = 0;
            double h = 0;
            int n = 0;
            for (BatchProcessor.Input in : inputs) {
                Path f = BatchProcessor.outputFor(processed, op, in.id());
                if (!Files.exists(f)) {
                    continue;
                }
                TraceStrength s = TraceStrength.of(originals.get(in.id()), decoder.decode(f).image());
                abs += s.meanAbsDiff();
                psnr += Double.isInfinite(s.psnrDb()) ? 0 : s.psnrDb();
                w += s.width();
                h += s.height();
                n++;
            }
            String row = String.format("%s\t%d\t%.3f\t%.2f\t%.1f\t%.1f", op.name(), n, abs / n, psnr / n, w / n, h / n);
            tsv.append(row).append('\n');
            md.append(String.format("| %s | %d | %s | %s | %.0fx%.0f |%n", op.name(), n,
                    Double.isNaN(abs) ? "n/a (size changed)" : String.format("%.3f", abs / n),
                    Double.isNaN(psnr) ? "n/a" : op.name().equals("IDENTITY") ? "inf" : String.format("%.2f", psnr / n), w / n, h / n));
        }
        Files.writeString(out.resolve("summary.tsv"), tsv);
        Files.writeString(out.resolve("report.md"), md);
        o.print(md);
        o.printf("%nwritten: %s, %s, %s (%d processed images, %d failures)%n", out.resolve("report.md"),
                out.resolve("summary.tsv"), r.provenanceFile(), r.written() + r.skippedExisting(), r.failures().size());
        o.flush();
        return r.failures().isEmpty() ? 0 : 1;
    }
}
