package org.encodertraces.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code traces erase}: fit trace erasers on embedding sets, apply them, and measure what erasure removes and costs. */
@Command(name = "erase", header = "Trace erasure on embeddings: fit an eraser (LEACE, INLP), apply it, evaluate it.",
        mixinStandardHelpOptions = true,
        description = {"An eraser is a linear map fitted on one encoder's embeddings with trace labels (a processing task's "
                        + "operations, or an integer label tensor such as an acquisition attribute) after which a linear probe "
                        + "cannot predict the trace. It is a safetensors file with a JSON sidecar (method, concepts, inputs "
                        + "with sha256, encoder sha256 and dimension, the images it was fitted on)."},
        subcommands = {EraseFitCommand.class, EraseApplyCommand.class, EraseExportCommand.class, EraseEvaluateCommand.class})
public final class EraseCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
