package org.encodertraces.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.encodertraces.data.Datasets;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.encoder.Preprocessor;
import org.encodertraces.image.RgbImage;
import org.encodertraces.train.Architecture;
import org.encodertraces.train.CaptionTokenizer;
import org.encodertraces.train.CaptionedImages;
import org.encodertraces.train.ClipArchitecture;
import org.encodertraces.train.ClipEvaluation;
import org.encodertraces.train.ClipModel;
import org.encodertraces.train.ClipOnnxExport;
import org.encodertraces.train.ClipRun;
import org.encodertraces.train.Libtorch;
import org.encodertraces.train.OnnxExport;
import org.encodertraces.train.TinyData;
import org.encodertraces.train.TrainedEncoder;
import org.encodertraces.train.Training;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces train --objective clip} on a tiny generated caption set: the run's files, ONNX
 * Runtime's embeddings of both towers against DJL's, resumption to identical weights, fine-tuning
 * from an earlier run, and the refusals.
 */
class ClipTrainCommandTest {
    /** ONNX Runtime against DJL (libtorch): largest absolute difference allowed in an embedding coordinate. */
    static final float TOLERANCE = 1e-4f;

    @TempDir
    Path tmp;

    static List<String> clipArgs(Path zip, Path out, int epochs, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--objective", "clip", "--images", "captions:" + zip + "?split=train",
                "--arch", "vit", "--size", "32", "--patch", "8", "--width", "16", "--depth", "1", "--heads", "2",
                "--context", "10", "--text-width", "16", "--text-depth", "1", "--text-heads", "2", "--embed-dim", "16", "--min-count", "1",
                "--epochs", Integer.toString(epochs), "--batch-size", "8", "--lr", "0.003", "--seed", "5", "--threads", "1", "--quiet",
                "-o", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    static TrainCommandTest.Run cli(List<String> args) {
        return TrainCommandTest.cli(args.toArray(String[]::new));
    }

    @Test
    void aRunWritesBothTowersItsTokenizerAndRetrievalWithChanceAndN() throws Exception {
        Path zip = TinyData.captions(tmp.resolve("tiny-captions.zip"), 16, 7);
        Path run = tmp.resolve("run");
        TrainCommandTest.Run r = cli(clipArgs(zip, run, 2));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("zero-shot retrieval on 8 test images, 24 captions"), r.out());
        for (String f : List.of(TrainedEncoder.ONNX, TrainedEncoder.SPEC, ClipRun.TEXT_ONNX, ClipRun.TEXT_SPEC, CaptionTokenizer.FILE,
                TrainedEncoder.PROVENANCE)) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        JsonNode prov = new ObjectMapper().readTree(run.resolve(TrainedEncoder.PROVENANCE).toFile());
        assertEquals("clip", prov.path("training").path("objective").asText());
        assertEquals("scratch", prov.path("training").path("mode").asText());
        assertEquals(5, prov.path("training").path("seed").asInt());
        assertEquals(24, prov.path("data").path("images").asInt());
        assertEquals(2, prov.path("epochs").size());
        JsonNode recall = prov.path("test").path("zeroShotRetrieval");
        assertEquals(6, recall.size());
        for (JsonNode x : recall) {
            boolean i2t = x.path("direction").asText().equals("image->text");
            assertEquals(i2t ? 8 : 24, x.path("n").asInt());
            int k = x.path("k").asInt();
            // chance of a random ranking: k of 8 images; for an image, one of its 3 captions among 24 in the top k
            double chance = i2t ? 1 - hyper(24, 3, k) : Math.min(1, k / 8.0);
            assertEquals(chance, x.path("chance").asDouble(), 1e-12, x.toString());
            assertTrue(x.path("ci95").path(0).asDouble() <= x.path("recall").asDouble() && x.path("recall").asDouble() <= x.path("ci95").path(1).asDouble());
        }

        // ONNX Runtime's embeddings of both towers against DJL's on the test images and captions
        Map<String, float[]> w = Training.readWeights(run.resolve(TrainedEncoder.CHECKPOINT));
        ClipArchitecture arch = new ClipArchitecture("vit", 32, 8, 16, 1, 2, "cls", null, 10, 16, 1, 2, 16);
        CaptionTokenizer tok = CaptionTokenizer.read(run.resolve(CaptionTokenizer.FILE));
        CaptionedImages test = CaptionedImages.decode(Datasets.openCaptions("captions:" + zip + "?split=test"), 1);
        assertTowersAgree(arch, tok, w, Files.readAllBytes(run.resolve(TrainedEncoder.ONNX)), ClipOnnxExport.IMAGE_OUTPUT,
                Files.readAllBytes(run.resolve(ClipRun.TEXT_ONNX)), test);

        // the zero-shot readout's text tower (core's TextTower: DJL's tokenizers binding, ONNX Runtime) finds the files beside
        // model.onnx and gives the ids and embeddings training gave
        java.util.Optional<org.encodertraces.encoder.TextTower.Files> found = org.encodertraces.encoder.TextTower.beside(run.resolve(TrainedEncoder.ONNX));
        assertTrue(found.isPresent());
        List<String> caps = test.allCaptions();
        long[][] ids = new long[caps.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tok.encode(caps.get(i));
        }
        try (org.encodertraces.encoder.TextTower tt = org.encodertraces.encoder.TextTower.open(found.get(), 1)) {
            for (int i = 0; i < ids.length; i++) {
                assertArrayEquals(ids[i], tt.tokenIds(caps.get(i)), caps.get(i));
            }
            assertClose(ClipEvaluation.textEmbeddings(arch, tok, w, ids), tt.embed(caps), "TextTower on the run's text.onnx");
        }

        // the image tower is an ordinary encoder: embed with no other options
        TrainCommandTest.Run e = TrainCommandTest.cli("embed", "--images", "captions:" + zip + "?split=test", "--model",
                run.resolve(TrainedEncoder.ONNX).toString(), "-o", tmp.resolve("emb").toString(), "--quiet");
        assertEquals(0, e.exit(), e.out() + e.err());
        assertTrue(e.out().contains("8 rows, 0 failed"), e.out());
    }

    /** The probability that none of {@code pos} positives among {@code total} falls in a random top {@code k}. */
    static double hyper(int total, int pos, int k) {
        double p = 1;
        for (int j = 0; j < k; j++) {
            p *= (double) (total - pos - j) / (total - j);
        }
        return p;
    }

    @Test
    void meanPoolingAndResnetImageTowersExportAsDjlComputesThem() throws Exception {
        Libtorch.start(1, Libtorch.defaultCache(System.getenv()));
        Path zip = TinyData.captions(tmp.resolve("tiny-captions.zip"), 4, 3);
        CaptionedImages test = CaptionedImages.decode(Datasets.openCaptions("captions:" + zip + "?split=train"), 1);
        CaptionTokenizer tok = CaptionTokenizer.build(test.allCaptions(), 9, 1);
        ClipArchitecture mean = new ClipArchitecture("vit", 32, 4, 12, 2, 3, "mean", null, 9, 12, 2, 3, 8);
        ClipArchitecture cnn = new ClipArchitecture("resnet", 32, 0, 0, 0, 1, "cls", new Architecture("resnet", 4, 1, 2, 32), 9, 12, 1, 2, 8);
        for (ClipArchitecture arch : List.of(mean, cnn)) {
            Map<String, float[]> w;
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(); ClipModel net = new ClipModel(arch, tok.size(), 11, m)) {
                w = net.snapshot();
            }
            assertTowersAgree(arch, tok, w, ClipOnnxExport.imageModel(arch, w, "test"), ClipOnnxExport.imageOutput(arch),
                    ClipOnnxExport.textModel(arch, tok.size(), tok.endId(), w, "test"), test);
        }
    }

    static void assertTowersAgree(ClipArchitecture arch, CaptionTokenizer tok, Map<String, float[]> w, byte[] image, String imageOutput, byte[] text,
                                  CaptionedImages test) throws Exception {
        float[][] djlImages = ClipEvaluation.imageEmbeddings(arch, tok.size(), w, test.images());
        List<String> caps = test.allCaptions();
        long[][] ids = new long[caps.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tok.encode(caps.get(i));
        }
        float[][] djlTexts = ClipEvaluation.textEmbeddings(arch, tok, w, ids);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int s = arch.imageSize();
        PreprocessSpec spec = Training.preprocessing(s);
        float[] x = new float[test.size() * 3 * s * s];
        for (int i = 0; i < test.size(); i++) {
            RgbImage img = test.images().get(i);
            Preprocessor.writeTensor(Preprocessor.resizeAndCrop(img, spec), spec, x, i * 3 * s * s);
        }
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions(); OrtSession is = env.createSession(image, so);
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {test.size(), 3, s, s});
             OrtSession.Result res = is.run(Map.of(OnnxExport.INPUT, in), java.util.Set.of(imageOutput))) {
            float[][] ort = (float[][]) res.get(0).getValue();
            assertClose(djlImages, ort, arch.label() + " image tower");
        }
        long[] flat = new long[ids.length * arch.context()];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(ids[i], 0, flat, i * arch.context(), arch.context());
        }
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions(); OrtSession ts = env.createSession(text, so);
             OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(flat), new long[] {ids.length, arch.context()});
             OrtSession.Result res = ts.run(Map.of(ClipOnnxExport.TEXT_INPUT, in))) {
            float[][] ort = (float[][]) res.get(0).getValue();
            assertClose(djlTexts, ort, arch.label() + " text tower");
        }
    }

    static void assertClose(float[][] djl, float[][] ort, String what) {
        assertEquals(djl.length, ort.length, what);
        double scale = 0;
        for (int i = 0; i < djl.length; i++) {
            assertEquals(djl[i].length, ort[i].length, what);
            for (int j = 0; j < djl[i].length; j++) {
                scale = Math.max(scale, Math.abs(djl[i][j]));
                assertEquals(djl[i][j], ort[i][j], TOLERANCE, what + " row " + i + " dim " + j);
            }
        }
        assertTrue(scale > 1e-2, what + ": embeddings are not all near zero (largest " + scale + ")");
    }

    @Test
    void aStoppedRunResumesToTheSameWeightsAsAnUninterruptedOne() throws Exception {
        Path zip = TinyData.captions(tmp.resolve("tiny-captions.zip"), 12, 9);
        Path ref = tmp.resolve("ref");
        TrainCommandTest.Run r = cli(clipArgs(zip, ref, 3, "--recipe", "ssl"));
        assertEquals(0, r.exit(), r.out() + r.err());
        Path stopped = tmp.resolve("stopped");
        TrainCommandTest.Run first = cli(clipArgs(zip, stopped, 3, "--recipe", "ssl", "--stop-after", "1"));
        assertEquals(0, first.exit(), first.out() + first.err());
        assertTrue(first.out().contains("stopped after epoch 1 of 3"), first.out());
        assertTrue(!Files.exists(stopped.resolve(TrainedEncoder.ONNX)));
        TrainCommandTest.Run rest = cli(clipArgs(zip, stopped, 3, "--recipe", "ssl"));
        assertEquals(0, rest.exit(), rest.out() + rest.err());
        assertTrue(rest.out().contains("resuming from"), rest.out());
        Map<String, float[]> a = Training.readWeights(ref.resolve(TrainedEncoder.CHECKPOINT));
        Map<String, float[]> b = Training.readWeights(stopped.resolve(TrainedEncoder.CHECKPOINT));
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
        for (String f : List.of(TrainedEncoder.ONNX, ClipRun.TEXT_ONNX, CaptionTokenizer.FILE)) {
            assertArrayEquals(Files.readAllBytes(ref.resolve(f)), Files.readAllBytes(stopped.resolve(f)), f);
        }
        JsonNode prov = new ObjectMapper().readTree(stopped.resolve(TrainedEncoder.PROVENANCE).toFile());
        assertEquals(1, prov.path("resumedFromEpoch").asInt());

        // fine-tuning from the finished run: its tokenizer, its weights as the start, recorded in training.json
        Path ft = tmp.resolve("finetune");
        TrainCommandTest.Run f = cli(clipArgs(zip, ft, 1, "--init", ref.toString()));
        assertEquals(0, f.exit(), f.out() + f.err());
        assertTrue(f.out().contains("(finetune)"), f.out());
        JsonNode fp = new ObjectMapper().readTree(ft.resolve(TrainedEncoder.PROVENANCE).toFile());
        assertEquals("finetune", fp.path("training").path("mode").asText());
        assertEquals(ref.toString(), fp.path("training").path("init").path("dir").asText());
        assertEquals(org.encodertraces.provenance.Hashes.sha256(Files.readAllBytes(ref.resolve(TrainedEncoder.CHECKPOINT))),
                fp.path("training").path("init").path("checkpointSha256").asText());
        assertArrayEquals(Files.readAllBytes(ref.resolve(CaptionTokenizer.FILE)), Files.readAllBytes(ft.resolve(CaptionTokenizer.FILE)));
    }

    @Test
    void aRunKilledInAChildJvmResumesToTheSameWeights() throws Exception {
        Path zip = TinyData.captions(tmp.resolve("tiny-captions.zip"), 16, 4);
        int epochs = 20;
        Path ref = tmp.resolve("ref");
        TrainCommandTest.Run r = cli(clipArgs(zip, ref, epochs, "--recipe", "ssl"));
        assertEquals(0, r.exit(), r.out() + r.err());
        // the same run in a child JVM, killed (SIGKILL) once it has checkpointed at least one epoch
        Path killed = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "org.encodertraces.cli.TracesCli"));
        cmd.addAll(clipArgs(zip, killed, epochs, "--recipe", "ssl"));
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path ckpt = killed.resolve(TrainedEncoder.CHECKPOINT);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the child finished before it could be killed: " + Files.readString(log));
        p.destroyForcibly();
        p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(Files.exists(ckpt), "a checkpoint was written before the kill");
        assertTrue(!Files.exists(killed.resolve(TrainedEncoder.ONNX)), "killed mid-training, no model yet");
        TrainCommandTest.Run resumed = cli(clipArgs(zip, killed, epochs, "--recipe", "ssl"));
        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("resuming from"), resumed.out());
        int from = new ObjectMapper().readTree(killed.resolve(TrainedEncoder.PROVENANCE).toFile()).path("resumedFromEpoch").asInt();
        assertTrue(from >= 1 && from < epochs, "resumed from epoch " + from);
        Map<String, float[]> a = Training.readWeights(ref.resolve(TrainedEncoder.CHECKPOINT));
        Map<String, float[]> b = Training.readWeights(ckpt);
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k + " after resuming from epoch " + from);
        }
        assertArrayEquals(Files.readAllBytes(ref.resolve(ClipRun.TEXT_ONNX)), Files.readAllBytes(killed.resolve(ClipRun.TEXT_ONNX)));
    }

    @Test
    void refusalsAreUsageErrorsNamingTheProblem() throws Exception {
        Path zip = TinyData.captions(tmp.resolve("tiny-captions.zip"), 4, 1);
        // no split: a caption set's spec names it
        List<String> a = clipArgs(zip, tmp.resolve("a"), 1);
        a.set(a.indexOf("--images") + 1, "captions:" + zip);
        TrainCommandTest.Run r = cli(a);
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("a captions: spec names its split"), r.err());
        // testing on the training split
        r = cli(clipArgs(zip, tmp.resolve("b"), 1, "--test", "captions:" + zip + "?split=train"));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--test is the training split itself"), r.err());
        // --init of a folder that is not a finished clip run
        r = cli(clipArgs(zip, tmp.resolve("c"), 1, "--init", tmp.toString()));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("not a finished CLIP run"), r.err());
        // a ViT without the clip objective, a patch that does not divide the input
        r = TrainCommandTest.cli("train", "--images", "zip:" + zip, "--arch", "vit", "-o", tmp.resolve("d").toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--arch vit is the image tower of --objective clip"), r.err());
        List<String> p = clipArgs(zip, tmp.resolve("e"), 1);
        p.set(p.indexOf("--patch") + 1, "5");
        r = cli(p);
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("the patch size 5 must divide the input size 32"), r.err());
        // options of the other objectives are refused under clip rather than silently ignored
        r = cli(clipArgs(zip, tmp.resolve("g"), 1, "--momentum", "0.5", "--per-class", "2"));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--momentum, --per-class have no effect with --objective clip"), r.err());
        assertFalse(Files.exists(tmp.resolve("g").resolve("model.onnx")), "refused before training");
        // the ablation over CLIP runs reads caption sets: a class-folder zip is refused before anything is trained
        r = TrainCommandTest.cli("ablation", "--objective", "clip", "--images", "zip:" + zip, "--test", "zip:" + zip, "-o", tmp.resolve("f").toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("is not a caption set (captions:ARCHIVE.zip?split=train|test"), r.err());
        assertFalse(Files.exists(tmp.resolve("f").resolve("runs")), "refused before training");
    }
}
