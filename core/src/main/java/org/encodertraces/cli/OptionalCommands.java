package org.encodertraces.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The commands of the optional modules ({@code train}, {@code ablation}, {@code bench-train} in
 * {@code train/}; {@code spark} in {@code spark/}), listed by {@code traces --help} whether or not
 * their module is built. Why: a command that appears only once its module is built cannot be
 * discovered; here each says what it does and how it is built. When the module is on the
 * classpath its own command replaces the stand-in; run without it, the stand-in says how to build
 * it and exits 2.
 */
final class OptionalCommands {
    /**
     * One optional command.
     *
     * @param name the subcommand
     * @param header its one-line summary in {@code traces --help}
     * @param module the Maven module that holds it
     * @param build what building it on first use involves
     */
    record Optional(String name, String header, String module, String build) {
    }

    static final String TRAIN_BUILD = "the first './traces train', 'ablation' or 'bench-train' builds the train module "
            + "(mvn -q -B -DskipTests package -pl core,train -am; DJL and libtorch, about 112 MB from Maven, once)";
    static final String SPARK_BUILD = "the first './traces spark' builds the spark module "
            + "(mvn -q -B -DskipTests package -pl core,spark -am; Apache Spark, about 278 MB from Maven, once)";

    /** Every optional command, in the order {@code traces --help} lists them. */
    static final List<Optional> ALL = List.of(
            new Optional("train", "Train a small residual CNN under an augmentation recipe (DJL + libtorch) and write it as an ONNX "
                    + "encoder.", "train", TRAIN_BUILD),
            new Optional("ablation", "Train one network under several recipes and seeds; measure each one's traces and semantic "
                    + "accuracy.", "train", TRAIN_BUILD),
            new Optional("bench-train", "Benchmark: training steps of the residual CNN or the small CLIP on random batches.", "train", TRAIN_BUILD),
            new Optional("spark", "Run embed or knn on Apache Spark (local[N] or spark-submit), with identical outputs.", "spark",
                    SPARK_BUILD));

    private OptionalCommands() {
    }

    /** Adds a stand-in for every optional command that no module on the classpath provided. */
    static void addMissing(CommandLine cl) {
        for (Optional o : ALL) {
            if (!cl.getSubcommands().containsKey(o.name())) {
                cl.addSubcommand(o.name(), standIn(o));
            }
        }
    }

    /** A command that only says what the optional command does and how its module is built. */
    private static CommandLine standIn(Optional o) {
        StandIn cmd = new StandIn(o);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(cmd);
        spec.name(o.name());
        spec.usageMessage().header(o.header() + " (module " + o.module() + "; ./traces builds it on first use)");
        spec.usageMessage().description("The " + o.module() + " module is not on the class path: " + o.build() + ".",
                "Run it through ./traces in the repository, which builds the module and then runs the command; "
                        + "its own --help then lists the options.");
        spec.mixinStandardHelpOptions(true);
        CommandLine cl = new CommandLine(spec);
        cl.setUnmatchedArgumentsAllowed(true);
        return cl;
    }

    /** Says how to build the module, exit status 2 (a {@link UsageException}). */
    private static final class StandIn implements Callable<Integer> {
        private final Optional o;

        StandIn(Optional o) {
            this.o = o;
        }

        @Override
        public Integer call() {
            throw new UsageException("this command lives in the " + o.module() + " module, which is not on the class path: "
                    + o.build() + ". Run it as ./traces " + o.name() + " ... from the repository.");
        }
    }
}
