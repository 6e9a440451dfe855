package org.encodertraces.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.linalg.FloatMatrix;
import org.junit.jupiter.api.Test;

/**
 * Our kNN set-ups and pair retrieval against PyTorch on the committed fixtures
 * (tools/reference/knn_reference.py). The fixture has no decision resting on a near tie in score
 * (the script asserts it), so accuracies and recalls must be identical, not close.
 */
class TorchParityTest {
    static final String[] OPS = {"OP_A", "OP_B", "OP_C"};

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(TorchParityTest.class.getResource("/fixtures/torch/" + name).toURI());
    }

    static JsonNode expected() throws Exception {
        return new ObjectMapper().readTree(fixture("expected.json").toFile());
    }

    static KnnResult runKnn(int k, int threads) throws Exception {
        List<KnnInfluence.OperationEmbeddings> ops = new ArrayList<>();
        int[] trainLabels = null;
        int[] testLabels = null;
        for (String op : OPS) {
            EmbeddingSet tr = EmbeddingSetIO.readWithoutSidecar(fixture("knn_" + op + "_train.safetensors"));
            EmbeddingSet te = EmbeddingSetIO.readWithoutSidecar(fixture("knn_" + op + "_test.safetensors"));
            ops.add(new KnnInfluence.OperationEmbeddings(op, matrix(tr), matrix(te)));
            trainLabels = ints(tr.label("label"));
            testLabels = ints(te.label("label"));
        }
        return new KnnInfluence(new KnnInfluence.Config(k, 10, 0, threads, org.encodertraces.rng.Protocol.ROBUST)).run(ops, trainLabels, testLabels);
    }

    @Test
    void knnAccuracyIdenticalToTorchForEverySetupAndConfiguration() throws Exception {
        for (JsonNode ref : expected().get("knn")) {
            int k = ref.get("k").asInt();
            KnnResult ours = runKnn(k, 2);
            for (KnnSetup s : KnnSetup.values()) {
                assertEquals(ref.get("accuracy").get(s.label()).asDouble(), ours.accuracy().get(s), 1e-12, "k=" + k + " " + s);
                JsonNode pc = ref.get("per_class").get(s.label());
                for (int c = 0; c < pc.size(); c++) {
                    assertEquals(pc.get(c).asDouble(), ours.perClass().get(s).get(c), 1e-12, "k=" + k + " " + s + " class " + c);
                }
            }
            assertEquals(ref.get("gap_pos_minus_neg").asDouble(), ours.gapPosMinusNeg(), 1e-12);
            // every single configuration, not only the means (the same order: p, then the set-ups)
            JsonNode cfgs = ref.get("configurations");
            assertEquals(cfgs.size(), ours.configurations().size());
            for (JsonNode c : cfgs) {
                KnnSetup setup = setupOf(c.get("setup").asText());
                String test = c.get("test").asText();
                KnnResult.Configuration mine = ours.configurations().stream()
                        .filter(x -> x.setup() == setup && x.testOp().equals(test)
                                && (setup == KnnSetup.UNIFORM ? x.seed() == c.get("seed").asLong()
                                        : x.positiveOp().equals(c.get("positive").asText()) && x.negativeOp().equals(c.get("negative").asText())))
                        .findFirst().orElseThrow();
                assertEquals(c.get("accuracy").asDouble(), mine.accuracy(), 1e-12, c.toString());
            }
        }
    }

    @Test
    void knnResultDoesNotDependOnThreadCount() throws Exception {
        KnnResult one = runKnn(10, 1);
        KnnResult three = runKnn(10, 3);
        assertEquals(one.configurations(), three.configurations());
    }

    @Test
    void fixtureShowsTheTrace() throws Exception {
        KnnResult r = runKnn(10, 0);
        // positives under the test operation help, negatives under it hurt: the effect the study measures
        assertTrue(r.accuracy().get(KnnSetup.POS_SAME) > r.accuracy().get(KnnSetup.ALL_SAME));
        assertTrue(r.accuracy().get(KnnSetup.NEG_SAME) < r.accuracy().get(KnnSetup.ALL_DIFF));
        assertTrue(r.gapPosMinusNeg() > 0.1);
    }

    @Test
    void retrievalRecallIdenticalToTorch() throws Exception {
        EmbeddingSet f = EmbeddingSetIO.readWithoutSidecar(fixture("paircams.safetensors"));
        RetrievalResult ours = new PairRetrieval(2).run(matrix(f), ints(f.label("subject")), ints(f.label("device")),
                List.of("phone", "camera"), 1, 5);
        JsonNode ref = expected().get("retrieval").get("recalls");
        assertEquals(ref.size(), ours.recalls().size());
        for (JsonNode r : ref) {
            String neg = r.get("negatives").asText();
            String cls = r.get("query_class").asText();
            int k = r.get("k").asInt();
            RetrievalResult.Recall mine = ours.recalls().stream()
                    .filter(x -> x.negatives().equals(neg) && x.queryClass().equals(cls) && x.k() == k).findFirst().orElseThrow();
            assertEquals(r.get("queries").asInt(), mine.queries(), r.toString());
            assertEquals(r.get("hits").asInt(), mine.hits(), r.toString());
            assertEquals(r.get("recall").asDouble(), mine.recall(), 1e-12, r.toString());
        }
        assertEquals(60, ours.subjects());
    }

    static FloatMatrix matrix(EmbeddingSet s) {
        return new FloatMatrix(s.rows(), s.dim(), s.embeddings());
    }

    static int[] ints(long[] l) {
        return java.util.Arrays.stream(l).mapToInt(Math::toIntExact).toArray();
    }

    static KnnSetup setupOf(String label) {
        for (KnnSetup s : KnnSetup.values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException(label);
    }

    @Test
    void badInputsAreRejectedWithReasons() throws IOException {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PairRetrieval.targets(new int[] {1, 1, 2}, new int[] {0, 0, 1}));
        assertTrue(e.getMessage().contains("subject 1 has two photos"), e.getMessage());
        assertEquals(1, KnnVote.vote(new int[] {1, 2, 2, 1, 3}, 5)); // 2-2 tie: class 1 ranks nearest
        assertEquals(2, KnnVote.vote(new int[] {1, 2, 2, 1, 3}, 3)); // majority 2 in the first three
    }
}
