package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.erase.ErasedSets;
import org.encodertraces.erase.EraserFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code traces erase apply}: writes erased copies of embedding sets, with the eraser appended to their provenance. */
@Command(name = "apply", header = "Apply an eraser to embedding sets of the same encoder.", mixinStandardHelpOptions = true,
        description = {"Writes an erased embedding set (same ids and labels; provenance: the set's own plus an 'erasures' "
                        + "entry with the eraser's sha256, method and concepts). -o OUT.safetensors for one input, -o DIR for "
                        + "several (file names kept).",
                "Sets made by another encoder (other width or model sha256) are refused. Exit status: 0 written, 2 "
                        + "bad usage or input."})
final class EraseApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--eraser", required = true, paramLabel = "FILE", description = "the eraser (traces erase fit)")
    Path eraser;

    @Parameters(arity = "1..*", paramLabel = "IN", description = "embedding sets (safetensors with sidecar)")
    List<Path> inputs;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "OUT", description = "output file (one input) or folder")
    Path out;

    @Override
    public Integer call() {
        PrintWriter outw = spec.commandLine().getOut();
        try {
            boolean single = out.getFileName().toString().endsWith(".safetensors");
            if (single && inputs.size() != 1) {
                throw new IllegalArgumentException("-o " + out + " names one file but " + inputs.size() + " inputs were given; give a folder");
            }
            EraserFile ef = EraserFile.read(eraser);
            for (Path in : inputs) {
                if (!Files.isRegularFile(in)) {
                    throw new IOException(in + ": no such embedding set");
                }
                EmbeddingSet erased = ErasedSets.apply(ef, eraser, EmbeddingInputs.read(in), in);
                Path target = single ? out : out.resolve(in.getFileName());
                if (target.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
                    throw new IllegalArgumentException(target + " would overwrite its input; choose another output");
                }
                EmbeddingSetIO.write(target, erased);
                outw.println("erased " + in + " (" + erased.rows() + " x " + erased.dim() + ") -> " + target);
            }
            outw.flush();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
    }
}
