package org.encodertraces.erase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LEACE against numpy: tools/erase/make_leace_fixtures.py forms W = S^(-1/2) and W^+ explicitly with
 * numpy.linalg.eigh/svd; our eraser (EJML, low-rank factors) must give the same D x D map, mean, rank and
 * erased rows. Tolerance: 1e-9 absolute on the map and mean (entries are O(1)), 1e-5 on erased float32 rows.
 */
class LeaceReferenceTest {
    @ParameterizedTest
    @ValueSource(strings = {"one_concept", "two_concepts_rank_deficient"})
    void matchesNumpy(String name) throws Exception {
        JsonNode f = new ObjectMapper().readTree(Path.of("core/src/test/resources/fixtures/erase/leace_" + name + ".json").toFile());
        int n = f.get("rows").asInt();
        int d = f.get("dim").asInt();
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) f.get("x").get(i).asDouble();
        }
        List<Concept> concepts = new ArrayList<>();
        for (JsonNode c : f.get("concepts")) {
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = c.get("labels").get(i).asInt();
            }
            List<String> classes = new ArrayList<>();
            for (int k = 0; k < c.get("classes").asInt(); k++) {
                classes.add("c" + k);
            }
            concepts.add(new Concept("concept" + concepts.size(), "label", y, classes));
        }
        Eraser e = new Leace(f.get("eig_tol").asDouble(), f.get("svd_tol").asDouble()).fit(x, n, d, concepts);
        assertEquals(f.get("rank").asInt(), e.rank(), "rank of the erased subspace");
        double[] m = e.matrix();
        double worst = 0;
        for (int i = 0; i < d * d; i++) {
            worst = Math.max(worst, Math.abs(m[i] - f.get("map").get(i).asDouble()));
        }
        assertTrue(worst < 1e-9, name + ": map differs from numpy by " + worst);
        for (int j = 0; j < d; j++) {
            assertEquals(f.get("mean").get(j).asDouble(), e.mean()[j], 1e-12);
        }
        float[] erased = e.apply(x, n);
        double worstRow = 0;
        for (int i = 0; i < erased.length; i++) {
            worstRow = Math.max(worstRow, Math.abs(erased[i] - f.get("erased").get(i).asDouble()));
        }
        assertTrue(worstRow < 1e-5, name + ": erased rows differ from numpy by " + worstRow);
    }
}
