package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnnCommandsTest {
    static Path fixture(String name) throws Exception {
        return Path.of(KnnCommandsTest.class.getResource("/fixtures/torch/" + name).toURI());
    }

    static JsonNode expected() throws Exception {
        return new ObjectMapper().readTree(fixture("expected.json").toFile());
    }

    @Test
    void knnCommandWritesJsonAndCsvWithTorchNumbers(@TempDir Path tmp) throws Exception {
        List<String> args = new ArrayList<>(List.of("knn", "--task", "jpeg", "-k", "10", "--protocol", "robust", "--threads", "2", "-o", tmp.toString()));
        for (String op : new String[] {"OP_A", "OP_B", "OP_C"}) {
            args.add("--train=" + op + "=" + fixture("knn_" + op + "_train.safetensors"));
            args.add("--test=" + op + "=" + fixture("knn_" + op + "_test.safetensors"));
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = new ObjectMapper().readTree(tmp.resolve("knn.json").toFile());
        JsonNode ref = expected().get("knn").get(1);
        assertEquals(10, ref.get("k").asInt());
        for (String s : new String[] {"all-same", "pos-same", "neg-same", "all-diff", "uniform"}) {
            assertEquals(ref.get("accuracy").get(s).asDouble(), doc.get("metrics").get("accuracy").get(s).asDouble(), 1e-12, s);
        }
        assertEquals(6, doc.get("inputs").size());
        assertEquals(org.encodertraces.provenance.Hashes.sha256(fixture("knn_OP_A_train.safetensors")), doc.get("inputs").get(0).get("sha256").asText());
        assertEquals(10, doc.get("seeds").size());
        assertTrue(doc.get("parameters").get("vote").asText().contains("nearest"));
        assertTrue(doc.get("provenance").has("java_version"));
        assertEquals(5, doc.get("per_class_accuracy").get("pos-same").size());
        List<String> csv = Files.readAllLines(tmp.resolve("knn.csv"));
        assertEquals("task,k,all_same,pos_same,neg_same,all_diff,uniform,pos_minus_neg,chance,queries,database,ceiling", csv.get(0));
        assertTrue(csv.get(1).startsWith("jpeg,10,"), csv.get(1));
    }

    @Test
    void retrievalCommandNamesTheSetupsAndMatchesTorch(@TempDir Path tmp) throws Exception {
        // the torch fixture encodes device 0 as the phone (the CLI's default is PairCams' camera,phone)
        CliRun r = CliRun.of("retrieval", "--set", fixture("paircams.safetensors").toString(),
                "--device-names", "phone,camera", "-o", tmp.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("negatives=query-device"));
        List<String> csv = Files.readAllLines(tmp.resolve("retrieval.csv"));
        assertEquals("negatives,query_class,k,queries,hits,recall", csv.get(0));
        assertEquals(13, csv.size());
        for (JsonNode x : expected().get("retrieval").get("recalls")) {
            String line = x.get("negatives").asText() + "," + x.get("query_class").asText() + "," + x.get("k").asInt() + ","
                    + x.get("queries").asInt() + "," + x.get("hits").asInt() + ",";
            assertTrue(csv.stream().anyMatch(l -> l.startsWith(line)), line);
        }
    }

    @Test
    void badInputsGiveUsageErrorsNamingTheProblem(@TempDir Path tmp) throws Exception {
        Path junk = tmp.resolve("junk.safetensors");
        Files.write(junk, new byte[] {1, 2, 3});
        CliRun r = CliRun.of("retrieval", "--set", junk.toString(), "-o", tmp.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("junk.safetensors"), r.err());
        r = CliRun.of("knn", "--train=A=" + fixture("knn_OP_A_train.safetensors"),
                "--test=B=" + fixture("knn_OP_B_test.safetensors"), "-o", tmp.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("differ"), r.err());
        assertEquals(0, CliRun.of("knn", "--help").exit());
        assertEquals(0, CliRun.of("retrieval", "--help").exit());
    }
}
