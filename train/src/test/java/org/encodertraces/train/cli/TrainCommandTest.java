package org.encodertraces.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.encodertraces.cli.TracesCli;
import org.encodertraces.train.TinyData;
import org.encodertraces.train.TrainedEncoder;
import org.encodertraces.train.Training;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces train} at the command line: a run killed by SIGKILL in a child JVM resumes from its
 * last checkpoint to the same final weights as an uninterrupted run, the exported encoder embeds
 * through {@code traces embed}, and bad options are usage errors.
 */
class TrainCommandTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = TracesCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path tinyZip(Path file, int perClass) throws IOException {
        return TinyData.zip(file, perClass, 11);
    }

    static List<String> trainArgs(Path zip, Path out, int epochs) {
        return List.of("train", "--images", "zip:" + zip, "--recipe", "crop-flip+trace", "--width", "4", "--stages", "2",
                "--epochs", Integer.toString(epochs), "--batch-size", "16", "--lr", "0.05", "--seed", "3", "--threads", "1", "--quiet",
                "-o", out.toString());
    }

    @Test
    void ctrlCSaysHowToResume() throws Exception {
        Path zip = tinyZip(tmp.resolve("tiny-int.zip"), 48);
        Path out = tmp.resolve("interrupted");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "org.encodertraces.cli.TracesCli"));
        cmd.addAll(trainArgs(zip, out, 40));
        Path log = tmp.resolve("interrupted.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path ckpt = out.resolve(TrainedEncoder.CHECKPOINT);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the child finished before it could be interrupted: " + Files.readString(log));
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String text = Files.readString(log);
        assertTrue(text.contains("traces train: interrupted; rerun the same command to resume from the last finished epoch"), text);
        assertEquals(130, p.exitValue(), text);
    }

    @Test
    void killedRunResumesToTheSameWeights() throws Exception {
        Path zip = tinyZip(tmp.resolve("tiny.zip"), 48);
        int epochs = 12;
        // the reference: uninterrupted, in this JVM
        Path ref = tmp.resolve("ref");
        Run r = cli(trainArgs(zip, ref, epochs).toArray(String[]::new));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(Files.isRegularFile(ref.resolve(TrainedEncoder.ONNX)));

        // the same run in a child JVM, killed (SIGKILL) once it has checkpointed at least one epoch
        Path killed = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "org.encodertraces.cli.TracesCli"));
        cmd.addAll(trainArgs(zip, killed, epochs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path ckpt = killed.resolve(TrainedEncoder.CHECKPOINT);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the child finished before it could be killed: " + Files.readString(tmp.resolve("child.log")));
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        assertTrue(Files.exists(ckpt), "a checkpoint was written before the kill");
        assertTrue(!Files.exists(killed.resolve(TrainedEncoder.ONNX)), "killed mid-training, no model yet");

        Run resumed = cli(trainArgs(zip, killed, epochs).toArray(String[]::new));
        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("resuming from"), resumed.out());
        JsonNode prov = new ObjectMapper().readTree(killed.resolve(TrainedEncoder.PROVENANCE).toFile());
        int from = prov.path("resumedFromEpoch").asInt();
        assertTrue(from >= 1 && from < epochs, "resumed from epoch " + from);

        Map<String, float[]> a = Training.readWeights(ref.resolve(TrainedEncoder.CHECKPOINT));
        Map<String, float[]> b = Training.readWeights(ckpt);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k + " after resuming from epoch " + from);
        }
        assertArrayEquals(Files.readAllBytes(ref.resolve(TrainedEncoder.ONNX)), Files.readAllBytes(killed.resolve(TrainedEncoder.ONNX)),
                "the same ONNX bytes");

        // running again reuses the finished run; other settings in the same folder are refused
        Run again = cli(trainArgs(zip, killed, epochs).toArray(String[]::new));
        assertTrue(again.out().contains("already complete"), again.out());
        List<String> other = new ArrayList<>(trainArgs(zip, killed, epochs));
        other.set(other.indexOf("--seed") + 1, "4");
        Files.delete(killed.resolve(TrainedEncoder.PROVENANCE));
        Run refused = cli(other.toArray(String[]::new));
        assertEquals(2, refused.exit(), refused.out() + refused.err());
        assertTrue(refused.err().contains("belongs to a run with other settings"), refused.err());
    }

    /** A child JVM running the CLI (or another main class) on this classpath; stdout and stderr kept apart. */
    private Run child(String mainClass, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        Path o = Files.createTempFile(tmp, "out", ".txt");
        Path e = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child JVM finished");
        return new Run(p.exitValue(), Files.readString(o), Files.readString(e));
    }

    /** Writes into an array with DJL's NDArray.set, which runs under libtorch's deprecated AutoNonVariableTypeMode. */
    public static final class SetArray {
        public static void main(String[] args) {
            org.encodertraces.train.Libtorch.start(1, org.encodertraces.train.Libtorch.defaultCache(System.getenv()));
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                m.zeros(new ai.djl.ndarray.types.Shape(2)).set(new float[] {1, 2});
            }
        }
    }

    @Test
    void noLibtorchDeprecationWarningReachesTheUser() throws Exception {
        // the control: libtorch's warning goes straight to the process's stderr, where this test looks for it
        Run control = child(SetArray.class.getName(), List.of());
        assertEquals(0, control.exit(), control.err());
        assertTrue(control.err().contains("AutoNonVariableTypeMode is deprecated"), "the warning a user saw: " + control.err());

        // a run stopped after one epoch, resumed to the end with a test set: checkpoint load, restore, accuracy, export
        Path zip = tinyZip(tmp.resolve("tiny.zip"), 16);
        Path run = tmp.resolve("run");
        List<String> args = new ArrayList<>(trainArgs(zip, run, 2));
        args.remove("--quiet");
        args.addAll(List.of("--test", "zip:" + zip));
        List<String> first = new ArrayList<>(args);
        first.addAll(List.of("--stop-after", "1"));
        for (List<String> a : List.of(first, args)) {
            Run r = child("org.encodertraces.cli.TracesCli", a);
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("epoch "), "progress still shown: " + r.err());
            assertTrue(!r.err().contains("AutoNonVariableTypeMode") && !r.err().contains("LegacyTypeDispatch"), r.err());
        }
        assertTrue(Files.isRegularFile(run.resolve(TrainedEncoder.ONNX)));
    }

    @Test
    void trainedEncoderEmbedsThroughTracesEmbed() throws Exception {
        Path zip = tinyZip(tmp.resolve("tiny.zip"), 16);
        Path run = tmp.resolve("run");
        // not --quiet, and a progress line for every step (standard error is not a terminal here)
        List<String> args = new ArrayList<>(trainArgs(zip, run, 2));
        args.remove("--quiet");
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("TRACES_PROGRESS_SECONDS", "0");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = TracesCli.commandLine(env);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Run r = new Run(cl.execute(args.toArray(String[]::new)), out.toString(), err.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(java.util.regex.Pattern.compile("(?m)^epoch 1/2: step 1/2, loss [0-9.]+ \\(running mean\\), \\d+ img/s, elapsed [0-9:]+,"
                + " ETA [0-9:]+$").matcher(r.err()).find(), "a plain line within the epoch: " + r.err());
        assertTrue(!r.err().contains("\r"), r.err());
        JsonNode spec = new ObjectMapper().readTree(run.resolve(TrainedEncoder.SPEC).toFile());
        assertEquals("embedding", spec.path("output").asText());
        assertEquals(32, spec.path("preprocessing").path("cropSize").asInt());
        JsonNode prov = new ObjectMapper().readTree(run.resolve(TrainedEncoder.PROVENANCE).toFile());
        assertEquals("crop-flip+trace", prov.path("training").path("recipe").asText());
        assertEquals(3, prov.path("training").path("seed").asInt());
        assertEquals(32, prov.path("data").path("images").asInt());
        assertTrue(prov.path("libraries").path("libtorch").asText().startsWith("2.7"), prov.path("libraries").toString());

        Path emb = tmp.resolve("emb");
        // model.spec.json beside it says everything: no --output, --size, --mean or --std; its sets are named after the run folder
        Run e = cli("embed", "--images", "zip:" + zip, "--model", run.resolve("model.onnx").toString(),
                "--processing", "IDENTITY,JPEG75_420", "--threads", "1", "--quiet", "-o", emb.toString());
        assertEquals(0, e.exit(), e.out() + e.err());
        assertTrue(e.out().contains("32 rows, 0 failed"), e.out());
        try (var sets = Files.list(emb)) {
            assertTrue(sets.anyMatch(f -> f.getFileName().toString().endsWith("__IDENTITY__run.safetensors")), e.out());
        }
    }

    @Test
    void simclrRunRecordsItsObjectiveAndEmbeds() throws Exception {
        Path zip = tinyZip(tmp.resolve("tiny.zip"), 16);
        Path run = tmp.resolve("simclr");
        List<String> args = new ArrayList<>(trainArgs(zip, run, 2));
        args.addAll(List.of("--objective", "simclr", "--temperature", "0.3", "--projection-dim", "8", "--test", "zip:" + zip));
        Run r = cli(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("simclr (temperature 0.3)") && r.out().contains("(kNN, k = 20, on the training embeddings)"), r.out());
        JsonNode prov = new ObjectMapper().readTree(run.resolve(TrainedEncoder.PROVENANCE).toFile());
        JsonNode obj = prov.path("training").path("objective");
        assertEquals("simclr", obj.path("kind").asText());
        assertEquals(0.3, obj.path("temperature").asDouble());
        assertEquals(8, obj.path("projectionDim").asInt());
        double acc = prov.path("test").path("accuracy").asDouble(-1);
        assertTrue(acc >= 0 && acc <= 1, prov.path("test").toString());
        String onnx = new String(Files.readAllBytes(run.resolve(TrainedEncoder.ONNX)), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(onnx.contains("projection") && !onnx.contains("logits"), "the head's output is named for what it is");

        Path emb = tmp.resolve("emb");
        Run e = cli("embed", "--images", "zip:" + zip, "--model", run.resolve("model.onnx").toString(), "--output", "embedding",
                "--size", "32", "--filter", "BICUBIC", "--mean", "0.4914,0.4822,0.4465", "--std", "0.2470,0.2435,0.2616",
                "--threads", "1", "--quiet", "-o", emb.toString());
        assertEquals(0, e.exit(), e.out() + e.err());

        // the same settings with the default objective are another run: the folder refuses it
        Files.delete(run.resolve(TrainedEncoder.PROVENANCE));
        Run other = cli(trainArgs(zip, run, 2).toArray(String[]::new));
        assertEquals(2, other.exit(), other.out() + other.err());
        assertTrue(other.err().contains("belongs to a run with other settings"), other.err());

        Run none = cli("train", "--images", "zip:" + zip, "--objective", "simclr", "-o", tmp.resolve("x").toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("needs a random augmentation recipe"), none.err());
        Run bad = cli("train", "--images", "zip:" + zip, "--objective", "byol", "-o", tmp.resolve("x").toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown objective 'byol' (known: cross-entropy, simclr)"), bad.err());
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        Path zip = tinyZip(tmp.resolve("tiny.zip"), 4);
        Run r = cli("train", "--images", "zip:" + zip, "--recipe", "crop-flop", "-o", tmp.resolve("x").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown augmentation recipe 'crop-flop'") && r.err().contains("crop-flip"), r.err());
        r = cli("train", "--images", "zip:" + zip, "--size", "200", "-o", tmp.resolve("x").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("input size must be in 32..96"), r.err());
        r = cli("train", "--images", "zip:" + tmp.resolve("missing.zip"), "-o", tmp.resolve("x").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("missing.zip: no such zip archive"), r.err());
    }
}
