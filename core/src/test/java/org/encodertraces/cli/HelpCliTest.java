package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 22, item 9: {@code traces --help} lists every command, the optional modules' too (train,
 * ablation, bench-train, spark) with how they are built; such a command run without its module says
 * how to build it (exit 2); and help texts are whole paragraphs that picocli wraps once, not lines
 * wrapped in the source and wrapped again into ragged ones. These tests run without the train and
 * spark modules on the class path, as a fresh clone does.
 */
class HelpCliTest {
    @Test
    void helpListsEveryCommandWithHowOptionalOnesAreBuilt() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exit(), r.err());
        for (String c : List.of("process", "exif", "demo", "embed", "models", "audit", "probe", "knn", "retrieval", "erase", "report",
                "datasets", "train", "ablation", "bench-train", "spark")) {
            assertTrue(Pattern.compile("(?m)^  " + Pattern.quote(c) + " +\\S").matcher(r.out()).find(), c + " is listed: " + r.out());
        }
        String listing = r.out().replaceAll("\\s+", " ");
        assertTrue(listing.contains("spark Run embed or knn on Apache Spark (local[N] or spark-submit), with identical outputs. (module spark;"
                + " ./traces builds it on first use)"), listing);
        assertTrue(listing.contains("(module train; ./traces builds it on first use)"), listing);
    }

    @Test
    void anOptionalCommandWithoutItsModuleSaysHowToBuildIt() {
        CliRun train = CliRun.of("train", "--images", "zip:cifar10.zip!/train", "-o", "runs/x");
        assertEquals(2, train.exit(), train.err());
        assertTrue(train.err().contains("traces train: this command lives in the train module, which is not on the class path")
                && train.err().contains("mvn -q -B -DskipTests package -pl core,train -am"), train.err());
        CliRun spark = CliRun.of("spark", "--help");
        assertEquals(0, spark.exit(), spark.err());
        assertTrue(spark.out().replaceAll("\\s+", " ").contains("the first './traces spark' builds the spark module"), spark.out());
    }

    /** Every command and subcommand, depth first. */
    private static List<CommandLine> all(CommandLine c) {
        List<CommandLine> out = new ArrayList<>(List.of(c));
        for (CommandLine s : c.getSubcommands().values()) {
            if (s != c && !out.contains(s)) {
                out.addAll(all(s));
            }
        }
        return out;
    }

    @Test
    void helpParagraphsAreWholeNotWrappedInTheSource() {
        List<String> broken = new ArrayList<>();
        for (CommandLine c : all(TracesCli.commandLine())) {
            CommandLine.Model.UsageMessageSpec u = c.getCommandSpec().usageMessage();
            List<String> paragraphs = new ArrayList<>(List.of(u.description()));
            paragraphs.addAll(List.of(u.footer()));
            paragraphs.addAll(List.of(u.header()));
            for (String p : paragraphs) {
                String t = p.replace("%n", "").strip();
                // a paragraph ends a sentence (or a list, an example); a source line cut mid-sentence does not
                if (!t.isEmpty() && !t.matches("(?s).*[.:?!)]$")) {
                    broken.add(c.getCommandSpec().qualifiedName() + ": \"" + t + "\"");
                }
            }
        }
        assertTrue(broken.isEmpty(), "help paragraphs cut mid-sentence (write one paragraph per string):\n" + String.join("\n", broken));
    }
}
