package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderException;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.erase.EraserExport;
import org.encodertraces.erase.EraserFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces erase export}: the encoder's ONNX graph with the eraser appended, one file to deploy. */
@Command(name = "export", header = "Write the encoder with the eraser built in: one ONNX file giving erased embeddings.",
        mixinStandardHelpOptions = true,
        description = {"Appends the eraser's affine map to the encoder's ONNX graph after its embedding tensor (pooled and "
                        + "normalised as the encoder's embedding is, exactly as 'erase apply' computes it) and writes OUT.onnx "
                        + "with one output, '" + EraserExport.OUTPUT + "', and OUT.spec.json beside it (preprocessing, both "
                        + "sha256s, the eraser's fit and provenance), so '--model OUT.onnx' and any ONNX runtime give erased "
                        + "embeddings directly. The export is run beside the encoder and the eraser before it is kept.",
                "An eraser fitted on another encoder (model sha256) or width is refused. Exit status: 0 written, 2 bad "
                        + "usage or input."})
final class EraseExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--eraser", required = true, paramLabel = "FILE", description = "the eraser (traces erase fit), fitted on this model's embeddings")
    Path eraser;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "OUT.onnx",
            description = "the exported model; its spec is written beside it as OUT.spec.json")
    Path out;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
                throw new IllegalArgumentException("-o " + out + ": the exported model's name must end in .onnx");
            }
            Map<String, String> env = CliEnv.of(spec);
            List<ModelRef> refs = modelOptions.parse(env, List.of());
            if (refs.size() != 1) {
                throw new IllegalArgumentException("give one --model (the encoder the eraser was fitted on), not " + refs.size());
            }
            EncoderFactory.Settings settings = ModelOptions.settings(env, 0, ExecutionProvider.CPU, err, true);
            EncoderFactory.Prepared p = EncoderFactory.prepare(refs.get(0), settings);
            String name = p.ref().name();
            if (p.file() != null) {
                EraserExport.requireSelfContained(name, p.file());
            }
            EraserFile ef = EraserFile.read(eraser);
            try (Encoder enc = EncoderFactory.open(p, settings)) {
                if (p.file() == null) {
                    EraserExport.requireFits(enc, name, ef, eraser);
                }
                EraserExport.Written w = EraserExport.export(enc, name, p.file(), ef, eraser, out);
                o.printf(Locale.ROOT, "exported %s with the %s eraser %s (rank %d, %d-d) -> %s (sha256 %s), spec %s%n", name,
                        ef.eraser().method(), eraser, ef.eraser().rank(), ef.eraser().dim(), w.onnx(), w.sha256(), w.spec());
                o.printf(Locale.ROOT, "self-check: the exported graph matches the encoder + eraser within %.2e on 2 test inputs%n",
                        w.maxAbsDifference());
            }
            o.flush();
            return 0;
        } catch (IllegalArgumentException | IOException | EncoderException e) {
            throw new UsageException(e);
        }
    }
}
