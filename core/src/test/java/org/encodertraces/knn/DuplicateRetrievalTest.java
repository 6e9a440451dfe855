package org.encodertraces.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The figures of {@link DuplicateRetrieval} on embeddings built so that each answer is known. */
class DuplicateRetrievalTest {
    /**
     * Photo i is the unit vector e_i (12 dims). Its processed copy is 0.6 e_i + 0.8 t, with t a "processing
     * trace" direction shared by every copy: the true duplicate scores 0.6, every other original 0, and every
     * other processed copy 0.64, so each original still ranks first among originals while another photo's
     * processed copy outranks it in the mixed database.
     */
    @Test
    void aSharedProcessingTraceOutranksTheTrueDuplicateOnlyInTheMixedDatabase() {
        int n = 12;
        int d = n + 1;
        List<String> ids = new ArrayList<>();
        float[][] orig = new float[n][d];
        float[][] proc = new float[n][d];
        for (int i = 0; i < n; i++) {
            ids.add("p" + i);
            orig[i][i] = 1;
            proc[i][i] = 0.6f;
            proc[i][n] = 0.8f;
        }
        DuplicateRetrieval.OperationResult r = new DuplicateRetrieval(3).run(ids, orig, List.of("TRACE"), List.<float[][]>of(proc)).get(0);
        assertEquals(n, r.hitsAt1());
        assertEquals(n, r.hitsAt5());
        assertEquals(n, r.outrankedByProcessed());
        assertEquals(0, r.mixedHitsAt1());
        assertEquals(0.6, r.trueSimilarity().median(), 1e-6);
        assertEquals(0.0, r.nearestOtherSimilarity().max(), 1e-6);
        assertEquals(0, r.negativeMargins());
        // separable: the fitted threshold lies between 0 and 0.6 and makes no error on the held-out half
        DuplicateRetrieval.Threshold t = r.threshold();
        assertEquals(6, t.fitPhotos());
        assertEquals(6, t.heldOutPhotos());
        assertEquals(0, t.misses() + t.falseAlarms());
        assertEquals(0.3, t.threshold(), 1e-6);
    }

    @Test
    void aTieWithANonDuplicateIsAMiss() {
        int n = 10;
        List<String> ids = new ArrayList<>();
        float[][] orig = new float[n][n];
        float[][] proc = new float[n][n];
        for (int i = 0; i < n; i++) {
            ids.add("p" + i);
            orig[i][i] = 1;
            // equally close to its own original and to the next photo's
            proc[i][i] = 1;
            proc[i][(i + 1) % n] = 1;
        }
        DuplicateRetrieval.OperationResult r = new DuplicateRetrieval(0).run(ids, orig, List.of("HALFWAY"), List.<float[][]>of(proc)).get(0);
        assertEquals(0, r.hitsAt1());
        assertEquals(n, r.hitsAt5());
        assertEquals(n, r.negativeMargins());
        for (DuplicateRetrieval.Query q : r.perQuery()) {
            assertEquals(2, q.rank());
        }
    }

    @Test
    void refusesFewerPhotosThanTheThresholdSplitNeeds() {
        float[][] one = new float[5][2];
        assertThrows(IllegalArgumentException.class, () -> new DuplicateRetrieval(0).run(List.of("a", "b", "c", "d", "e"), one,
                List.of("X"), List.<float[][]>of(one)));
    }
}
