package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.encodertraces.io.OutputLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, item 9, and issue 23: an output folder another run holds is refused before anything is
 * planned or printed, naming what holds it (an audit as an audit, not as "traces embed"), and the
 * refusal is exit status 2 (README: bad usage or refused) for every command, process included. The
 * audit killed here also shows the plan of a resumed audit (issue 22, item 7).
 */
@Timeout(180)
class BusyFolderCliTest {
    /**
     * One audit in a child process, killed while it embeds: meanwhile a second audit into the same
     * folder, and an embed into its embeddings folder, are refused naming the audit; afterwards the
     * plan of the same command says which shards it resumes from (issue 22, item 7).
     */
    @Test
    void aSecondAuditIsRefusedBeforeItsPlanAndTheKilledOneResumesFromItsShards(@TempDir Path tmp) throws Exception {
        // two shards of 128 images per set; the child is killed while it embeds the second
        Path images = AuditEstimateCliTest.folder(tmp.resolve("img"), 256, 96, 72);
        Path out = tmp.resolve("out");
        String[] audit = {"audit", "--images", images.toString(), "--model", "builtin:jpeg-forensic", "--tasks", "sharpening",
                "--mask", "0", "--protocol", "robust", "--trials", "2", "--seeds", "2", "--threads", "1", "-o", out.toString()};
        Path log = tmp.resolve("log");
        Process first = ReliabilityProcessTest.child("-Xmx512m", log, audit).start();
        Path work = out.resolve("embeddings/.work");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (shards(work) < 3 && first.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(first.isAlive() && shards(work) >= 3, "the first audit should be embedding: " + Files.readString(log));

            // its embeddings folder is held by the audit, and says so
            CliRun embed = CliRun.of("embed", "--images", images.toString(), "--model", "builtin:jpeg-forensic", "--quiet", "-o",
                    out.resolve("embeddings").toString());
            assertEquals(2, embed.exit(), embed.err());
            assertTrue(embed.err().contains("(pid " + first.pid() + ", traces audit img with builtin:jpeg-forensic"), embed.err());
            assertFalse(embed.out().contains("embedding 256 images"), "refused before it starts: " + embed.out());

            CliRun second = CliRun.of(audit);
            assertEquals(2, second.exit(), second.out() + second.err());
            assertTrue(second.err().contains("output folder " + out + " is in use by another traces run (pid " + first.pid()
                    + ", traces audit img with builtin:jpeg-forensic"), second.err());
            assertFalse(second.out().contains("audit plan"), "refused before the plan: " + second.out());
        } finally {
            first.destroyForcibly().waitFor();
        }
        String[] dry = java.util.Arrays.copyOf(audit, audit.length + 1);
        dry[audit.length] = "--dry-run";
        CliRun plan = CliRun.of(dry);
        assertEquals(0, plan.exit(), plan.err());
        assertTrue(java.util.regex.Pattern.compile("builtin:jpeg-forensic: 0 of 3 embedding sets complete, 3 resume from committed"
                + " shards; \\d+ of 768 image embeddings left").matcher(plan.out()).find(), plan.out());
        assertTrue(plan.out().contains("for what is left (embedding "), plan.out());
    }

    private static long shards(Path work) throws java.io.IOException {
        if (!Files.isDirectory(work)) {
            return 0;
        }
        try (var s = Files.walk(work)) {
            return s.filter(f -> f.getFileName().toString().matches("shard-\\d+\\.safetensors")).count();
        }
    }

    @Test
    void processIntoABusyFolderExits2NamingTheHolder(@TempDir Path tmp) throws Exception {
        Path images = AuditEstimateCliTest.folder(tmp.resolve("img"), 2, 64, 48);
        Path out = tmp.resolve("out");
        try (OutputLock held = OutputLock.acquire(out, "traces process img (another run)")) {
            CliRun r = CliRun.of("process", "--op", "JPEG75_420", "-o", out.toString(), images.toString());
            assertEquals(2, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("is in use by another traces run (pid " + ProcessHandle.current().pid()
                    + ", traces process img (another run)"), r.err());
            assertFalse(Files.exists(out.resolve("JPEG75_420")), "nothing written");
        }
    }
}
