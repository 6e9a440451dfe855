package org.encodertraces.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {

    static FloatMatrix random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return new FloatMatrix(rows, cols, d).l2NormalizedRows();
    }

    /** Dot product accumulated in float in dimension order: the same arithmetic as the blocked kernel. */
    /** The documented score, written out here: fma per dimension in dimension order (multiply then add without FMA). */
    static float dot(FloatMatrix a, int i, FloatMatrix b, int j) {
        float s = 0f;
        for (int d = 0; d < a.cols(); d++) {
            s = ScoreArithmetic.FUSED ? Math.fma(a.get(i, d), b.get(j, d), s) : s + a.get(i, d) * b.get(j, d);
        }
        return s;
    }

    /** Naive reference: full score row, stable sort by (score desc, index asc), filtered by list membership. */
    static TopK.Result naive(FloatMatrix q, FloatMatrix db, int k, int lists, TopK.Membership m) {
        int[] idx = new int[q.rows() * lists * k];
        float[] sc = new float[idx.length];
        Arrays.fill(idx, -1);
        Arrays.fill(sc, Float.NaN);
        for (int i = 0; i < q.rows(); i++) {
            float[] s = new float[db.rows()];
            for (int j = 0; j < db.rows(); j++) {
                s[j] = dot(q, i, db, j);
            }
            Integer[] order = IntStream.range(0, db.rows()).boxed().toArray(Integer[]::new);
            Arrays.sort(order, (x, y) -> s[x] != s[y] ? Float.compare(s[y], s[x]) : Integer.compare(x, y));
            for (int l = 0; l < lists; l++) {
                int c = 0;
                for (int j : order) {
                    if (c == k) {
                        break;
                    }
                    long mask = m == null ? 1L : m.lists(i, j);
                    if ((mask & (1L << l)) != 0) {
                        idx[(l * q.rows() + i) * k + c] = j;
                        sc[(l * q.rows() + i) * k + c] = s[j];
                        c++;
                    }
                }
            }
        }
        return new TopK.Result(q.rows(), lists, k, idx, sc);
    }

    @Test
    void blockedMultithreadedSearchEqualsNaiveFullMatrixAtScale() {
        FloatMatrix q = random(3000, 64, 1);
        FloatMatrix db = random(20000, 64, 2);
        TopK.Result ours = new TopK(2).search(q, db, 10);
        // naive reference on a subset of queries (every 7th) keeps the test fast; indices must match exactly
        int[] sub = IntStream.range(0, q.rows()).filter(i -> i % 7 == 0).toArray();
        TopK.Result ref = naive(q.selectRows(sub), db, 10, 1, null);
        for (int s = 0; s < sub.length; s++) {
            for (int r = 0; r < 10; r++) {
                assertEquals(ref.index(s, r), ours.index(sub[s], r), "query " + sub[s] + " rank " + r);
                assertEquals(ref.score(s, r), ours.score(sub[s], r), 0f, "query " + sub[s] + " rank " + r);
            }
        }
        TopK.Result one = new TopK(1).search(q, db, 10);
        TopK.Result three = new TopK(3).search(q, db, 10);
        assertArrayEquals(one.indices(), ours.indices());
        assertArrayEquals(one.scores(), ours.scores());
        assertArrayEquals(three.indices(), ours.indices());
    }

    @Test
    void theQueryBlockChangesNoResult() {
        FloatMatrix q = random(1001, 40, 31);
        FloatMatrix db = random(3001, 40, 32);
        TopK.Membership m = (qi, row) -> row == qi ? 0L : (row % 4 == 0 ? 1L : 3L);
        TopK.Result auto = new TopK(2).search(q, db, 8, 2, m);
        for (int block : new int[] {1, 6, 64, 250, 2000}) {
            TopK.Result r = new TopK(2, StripKernel.best(), block).search(q, db, 8, 2, m);
            assertArrayEquals(auto.indices(), r.indices(), "block " + block);
            assertArrayEquals(auto.scores(), r.scores(), "block " + block);
        }
        assertThrows(IllegalArgumentException.class, () -> new TopK(1, StripKernel.best(), -1));
    }

    @Test
    void queryBlocksAreLargeButLeaveEveryThreadSeveral() {
        // 10k queries of 512 dims on 2 threads: the full 256 (rounded up to the 6-query tile)
        assertEquals(258, TopK.queryBlock(10_000, 512, 2, 6, 0));
        // 1,000 queries on 2 threads: about four blocks each
        assertEquals(126, TopK.queryBlock(1_000, 512, 2, 6, 0));
        assertEquals(6, TopK.queryBlock(10, 512, 16, 6, 0));
        // 4096-dim embeddings: 2 MiB of queries is 128 of them
        assertEquals(128, TopK.queryBlock(100_000, 4096, 2, 4, 0));
        // a fixed size is only rounded to the tile
        assertEquals(66, TopK.queryBlock(100_000, 512, 2, 6, 64));
    }

    @Test
    void listsExclusionsAndTiesFollowTheLowerIndexRule() {
        int n = 1500;
        FloatMatrix q = random(131, 24, 3); // not a multiple of 4 or of the query block
        FloatMatrix dbRaw = random(n, 24, 4);
        float[] d = dbRaw.data().clone();
        // exact duplicates make exact score ties: row 902 = row 17, row 1301 = row 17, row 513 = row 5
        System.arraycopy(d, 17 * 24, d, 902 * 24, 24);
        System.arraycopy(d, 17 * 24, d, 1301 * 24, 24);
        System.arraycopy(d, 5 * 24, d, 513 * 24, 24);
        FloatMatrix db = new FloatMatrix(n, 24, d);
        // queries equal to database rows 17 and 5 so the tied rows are the best matches
        float[] qd = q.data().clone();
        System.arraycopy(d, 17 * 24, qd, 0, 24);
        System.arraycopy(d, 5 * 24, qd, 24, 24);
        FloatMatrix qq = new FloatMatrix(q.rows(), 24, qd);
        int[] cls = IntStream.range(0, n).map(i -> i % 3).toArray();
        TopK.Membership m = (qi, row) -> row == qi ? 0L : (cls[row] == qi % 3 ? 1L : 2L) | (row % 5 == 0 ? 4L : 0L);
        TopK.Result ours = new TopK(2).search(qq, db, 7, 3, m);
        TopK.Result ref = naive(qq, db, 7, 3, m);
        assertArrayEquals(ref.indices(), ours.indices());
        assertArrayEquals(ref.scores(), ours.scores());
        // query 0 (= row 17, class 17 % 3 = 2, query class 0): rows 17, 902 and 1301 are in list 1 (other class)
        assertEquals(17, ours.index(1, 0, 0));
        assertEquals(902, ours.index(1, 0, 1));
        assertEquals(1301, ours.index(1, 0, 2));
        assertEquals(ours.score(1, 0, 0), ours.score(1, 0, 2), 0f);
        assertEquals(new TopK(1).search(qq, db, 7, 3, m).indices().length, ours.indices().length);
        assertArrayEquals(new TopK(1).search(qq, db, 7, 3, m).indices(), ours.indices());
    }

    @Test
    void vectorAndPortableKernelsGiveBitIdenticalResults() {
        // surefire starts the JVM with --add-modules jdk.incubator.vector, so the default is a vector kernel
        assertTrue(new TopK(1).vectorKernel(), "the Vector API kernel should be active under surefire");
        StripKernel portable = new ScalarStripKernel();
        // every tile, whichever this machine would choose: each must give the portable kernel's scores
        for (String tile : new String[] {"auto", "6x4", "6x2"}) {
            StripKernel vector = VectorTiles.create(tile);
            // sizes that are multiples of no kernel's tile (6 or 4 queries, 16 to 256 rows) nor of the query block
            for (int dims : new int[] {1, 7, 24, 65, 512}) {
                String what = "tile " + tile + ", dims " + dims;
                FloatMatrix q = random(139, dims, 10 + dims);
                FloatMatrix db = random(1031, dims, 20 + dims);
                TopK.Membership m = (qi, row) -> row == qi ? 0L : (row % 3 == 0 ? 1L : 2L);
                TopK.Result a = new TopK(2, vector).search(q, db, 9, 2, m);
                TopK.Result b = new TopK(1, portable).search(q, db, 9, 2, m);
                TopK.Result c = new TopK(3, vector).search(q, db, 9, 2, m);
                assertArrayEquals(b.indices(), a.indices(), what);
                assertArrayEquals(b.scores(), a.scores(), what);
                assertArrayEquals(a.indices(), c.indices(), what);
                assertArrayEquals(a.scores(), c.scores(), what);
                // and both are the documented arithmetic, summed in dimension order
                for (int i = 0; i < q.rows(); i += 17) {
                    int row = a.index(1, i, 0);
                    assertEquals(dot(q, i, db, row), a.score(1, i, 0), 0f, what + " query " + i);
                }
            }
        }
    }

    @Test
    void theTileFitsTheRegisterFile() {
        // x86: 512-bit vectors mean AVX-512's 32 registers; narrower ones mean AVX2's 16, where 6 x 4 spills
        assertEquals("6x4", VectorTiles.choose("amd64", 512));
        assertEquals("6x2", VectorTiles.choose("amd64", 256));
        assertEquals("6x2", VectorTiles.choose("x86_64", 128));
        // ARM64 has 32 vector registers at any width
        assertEquals("6x4", VectorTiles.choose("aarch64", 128));
        assertEquals(64, VectorTiles.create("6x4").width() * 512 / jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
        assertEquals(6, VectorTiles.create("6x2").queries());
        // and this JVM got the tile for its own vectors (the second surefire run has -XX:UseAVX=2: 256-bit, 6 x 2)
        int bits = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        StripKernel auto = StripKernel.best();
        assertEquals(VectorTiles.choose(System.getProperty("os.arch"), bits).equals("6x4") ? 6 * 4 * bits / 32 : 6 * 2 * bits / 32,
                auto.queries() * auto.width(), bits + "-bit vectors, " + auto.getClass().getSimpleName());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> VectorTiles.create("8x8"));
        assertTrue(bad.getMessage().contains("encodertraces.knn.tile") && bad.getMessage().contains("'8x8'"), bad.getMessage());
    }

    @Test
    void scoresAreFusedMultiplyAddsWhereTheCpuHasThem() {
        // surefire runs this class twice: by default (auto) and with -Dencodertraces.knn.fma=false
        String forced = System.getProperty(ScoreArithmetic.PROPERTY, "auto");
        boolean expectFused = forced.equals("auto") ? ScoreArithmetic.hardwareFma() : Boolean.parseBoolean(forced);
        assertEquals(expectFused, ScoreArithmetic.FUSED, "property " + forced + ", hardware " + ScoreArithmetic.hardwareFma());
        assertEquals(expectFused, TopK.fusedMultiplyAdd());
        assertTrue(TopK.arithmetic().contains(expectFused ? "fused" : "no hardware FMA"), TopK.arithmetic());
        if (forced.equals("auto") && System.getProperty("os.arch").matches("amd64|x86_64|aarch64")) {
            // every CPU this project runs on has FMA; a silent fall-back would cost Intel half its kNN speed
            assertTrue(ScoreArithmetic.FUSED, "this " + System.getProperty("os.arch") + " JVM reports no hardware FMA");
        }
        // 1 * -1 + (1 + 2^-12)^2: the product 1 + 2^-11 + 2^-24 rounds to 1 + 2^-11 on its own (a tie, to even),
        // so a multiply then an add gives 2^-11, and one fused multiply-add keeps the 2^-24
        float a = 1f + 0x1p-12f;
        float fused = 0x1p-11f + 0x1p-24f;
        float unfused = 0x1p-11f;
        assertEquals(fused, Math.fma(a, a, -1f), 0f);
        assertEquals(unfused, -1f + a * a, 0f);
        FloatMatrix q = new FloatMatrix(1, 2, new float[] {1f, a});
        FloatMatrix db = new FloatMatrix(3, 2, new float[] {0f, 0f, -1f, a, 0f, 1f});
        for (StripKernel kernel : new StripKernel[] {StripKernel.best(), new ScalarStripKernel()}) {
            TopK.Result r = new TopK(1, kernel).search(q, db, 3);
            assertEquals(2, r.index(0, 0), "row 2 scores a = 1 + 2^-12, the highest");
            assertEquals(1, r.index(0, 1));
            assertEquals(ScoreArithmetic.FUSED ? fused : unfused, r.score(0, 1), 0f, kernel.getClass().getSimpleName());
        }
    }

    @Test
    void theArithmeticPropertyIsParsedStrictly() {
        assertTrue(ScoreArithmetic.decide("auto", true));
        assertEquals(false, ScoreArithmetic.decide("auto", false));
        assertEquals(false, ScoreArithmetic.decide(" FALSE ", true));
        assertTrue(ScoreArithmetic.decide("true", true));
        IllegalStateException noFma = assertThrows(IllegalStateException.class, () -> ScoreArithmetic.decide("true", false));
        assertTrue(noFma.getMessage().contains("UseFMA"), noFma.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ScoreArithmetic.decide("yes", true));
        assertTrue(bad.getMessage().contains("encodertraces.knn.fma") && bad.getMessage().contains("'yes'"), bad.getMessage());
    }

    @Test
    void shortListsArePaddedAndBadArgumentsRejected() {
        FloatMatrix q = random(5, 8, 5);
        FloatMatrix db = random(3, 8, 6);
        TopK.Result r = new TopK(2).search(q, db, 5, 1, (qi, row) -> row == 1 ? 0L : 1L);
        for (int i = 0; i < 5; i++) {
            assertTrue(r.index(i, 0) == 0 || r.index(i, 0) == 2);
            assertEquals(-1, r.index(i, 2));
            assertTrue(Float.isNaN(r.score(i, 4)));
        }
        assertThrows(IllegalArgumentException.class, () -> new TopK(1).search(q, random(3, 9, 1), 2));
        assertThrows(IllegalArgumentException.class, () -> new TopK(1).search(q, db, 0));
        assertThrows(IllegalArgumentException.class, () -> new TopK(1).search(q, db, 2, 2, null));
    }

    @Test
    void normalisationMatchesTorchSemantics() {
        FloatMatrix m = new FloatMatrix(2, 2, new float[] {3f, 4f, 0f, 0f}).l2NormalizedRows();
        assertArrayEquals(new float[] {0.6f, 0.8f, 0f, 0f}, m.data());
    }
}
