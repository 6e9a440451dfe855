package org.encodertraces.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Our numpy and CPython generator ports against sequences Debian's numpy 1.24.2 and Python 3.11
 * produced (tools/rng-fixtures/make_rng_fixtures.py). Tolerance: none, every value bit for bit.
 */
class RngParityTest {
    private static final Path DIR = Path.of("core/src/test/resources/fixtures/rng");

    private static JsonNode read(String name) throws IOException {
        return new ObjectMapper().readTree(DIR.resolve(name).toFile());
    }

    private static long u64(JsonNode n) {
        return Long.parseUnsignedLong(n.asText());
    }

    private static BigInteger big(JsonNode n) {
        return new BigInteger(n.asText());
    }

    @Test
    void seedSequenceWordsMatchNumpy() throws IOException {
        JsonNode doc = read("numpy_rng.json");
        int cases = 0;
        for (JsonNode c : doc.get("seed_sequence")) {
            int[] got = new SeedSequence(big(c.get("seed"))).generateState(8);
            int[] want = new int[8];
            for (int i = 0; i < 8; i++) {
                want[i] = (int) c.get("state32").get(i).asLong();
            }
            assertArrayEquals(want, got, "seed " + c.get("seed").asText());
            cases++;
        }
        assertEquals(15, cases);
    }

    @Test
    void pcg64SeedingAndRawOutputsMatchNumpy() throws IOException {
        JsonNode doc = read("numpy_rng.json");
        for (JsonNode c : doc.get("pcg64")) {
            Pcg64 g = new Pcg64(new SeedSequence(big(c.get("seed"))));
            assertEquals(big(c.get("state")), g.state(), "state of seed " + c.get("seed").asText());
            assertEquals(big(c.get("inc")), g.increment(), "inc of seed " + c.get("seed").asText());
            for (JsonNode v : c.get("raw")) {
                assertEquals(u64(v), g.nextLong(), "seed " + c.get("seed").asText());
            }
        }
    }

    @Test
    void advanceAndJumpMatchNumpy() throws IOException {
        JsonNode doc = read("numpy_rng.json");
        for (JsonNode c : doc.get("advance")) {
            Pcg64 g = new Pcg64(c.get("seed").asLong());
            for (int i = 0; i < c.get("before").asInt(); i++) {
                g.nextLong();
            }
            g.advance(big(c.get("delta")));
            for (JsonNode v : c.get("raw")) {
                assertEquals(u64(v), g.nextLong(), "seed " + c.get("seed") + " delta " + c.get("delta"));
            }
        }
        for (JsonNode c : doc.get("jumped")) {
            Pcg64 g = new Pcg64(c.get("seed").asLong()).jumped(c.get("jumps").asLong());
            for (JsonNode v : c.get("raw")) {
                assertEquals(u64(v), g.nextLong(), "seed " + c.get("seed") + " jumps " + c.get("jumps"));
            }
        }
    }

    @Test
    void advanceEqualsDrawingThrough() {
        Pcg64 a = new Pcg64(7);
        Pcg64 b = new Pcg64(7);
        for (int i = 0; i < 1000; i++) {
            a.nextLong();
        }
        b.advance(1000);
        assertEquals(a.nextLong(), b.nextLong());
    }

    @Test
    void integersMatchNumpyForEveryBoundAndDtype() throws IOException {
        JsonNode doc = read("numpy_rng.json");
        int cases = 0;
        boolean sawPowerOfTwoAndAbove = false;
        for (JsonNode c : doc.get("integers")) {
            NumpyGenerator g = new NumpyGenerator(new Pcg64(new SeedSequence(big(c.get("seed")))));
            long low = c.get("low").asLong();
            long high = c.get("high").asLong();
            int size = c.get("size").asInt();
            String what = "seed " + c.get("seed").asText() + " [" + low + ", " + high + ") x" + size + " " + c.get("dtype").asText();
            if ("int32".equals(c.get("dtype").asText())) {
                int[] got = g.integers32((int) low, (int) high, size);
                for (int i = 0; i < size; i++) {
                    assertEquals(c.get("values").get(i).asLong(), got[i], what + " at " + i);
                }
            } else {
                long[] got = g.integers(low, high, size);
                for (int i = 0; i < size; i++) {
                    assertEquals(c.get("values").get(i).asLong(), got[i], what + " at " + i);
                }
            }
            sawPowerOfTwoAndAbove |= high == (1L << 32) + 1;
            cases++;
        }
        assertEquals(519, cases);
        assertTrue(sawPowerOfTwoAndAbove);
    }

    @Test
    void mixedCallsShareThe32BitBufferAsNumpyDoes() throws IOException {
        JsonNode doc = read("numpy_rng.json");
        for (JsonNode c : doc.get("mixed")) {
            NumpyGenerator g = new NumpyGenerator(c.get("seed").asLong());
            for (JsonNode call : c.get("calls")) {
                if (call.has("random")) {
                    for (JsonNode v : call.get("random")) {
                        assertEquals(Double.parseDouble(v.asText()), g.random(), "seed " + c.get("seed"));
                    }
                    continue;
                }
                long[] got = g.integers(0, Long.parseLong(call.get("high").asText()), call.get("size").asInt());
                for (int i = 0; i < got.length; i++) {
                    assertEquals(call.get("values").get(i).asLong(), got[i], "seed " + c.get("seed") + " call " + call);
                }
            }
        }
    }

    @Test
    void choiceAndRandomMatchNumpy() throws IOException {
        JsonNode doc = read("numpy_rng.json");
        for (JsonNode c : doc.get("choice")) {
            int n = c.get("n").asInt();
            int[] got = new NumpyGenerator(c.get("seed").asLong()).choice(c.get("a").asInt(), n);
            int[] want = new int[n];
            for (int i = 0; i < n; i++) {
                want[i] = c.get("values").get(i).asInt();
            }
            assertArrayEquals(want, got, "choice seed " + c.get("seed") + " a " + c.get("a") + " n " + n);
        }
        for (JsonNode c : doc.get("random")) {
            NumpyGenerator g = new NumpyGenerator(c.get("seed").asLong());
            for (JsonNode v : c.get("values")) {
                assertEquals(Double.parseDouble(v.asText()), g.random());
            }
        }
    }

    @Test
    void pythonGetrandbitsMatchesCpython() throws IOException {
        JsonNode doc = read("python_random.json");
        for (JsonNode c : doc.get("getrandbits")) {
            PythonRandom r = new PythonRandom(big(c.get("seed")));
            for (JsonNode v : c.get("first32")) {
                assertEquals(v.asLong(), r.nextInt() & 0xFFFFFFFFL, "seed " + c.get("seed"));
            }
            for (JsonNode m : c.get("mixed")) {
                int k = m.get("k").asInt();
                BigInteger want = big(m.get("value"));
                if (k <= 63) {
                    assertEquals(want.longValueExact(), r.getrandbits(k), "seed " + c.get("seed") + " k " + k);
                } else {
                    assertEquals(want, r.getrandbitsBig(k), "seed " + c.get("seed") + " k " + k);
                }
            }
        }
    }

    @Test
    void pythonRandbelowAndShuffleMatchCpython() throws IOException {
        JsonNode doc = read("python_random.json");
        for (JsonNode c : doc.get("randbelow")) {
            PythonRandom r = new PythonRandom(c.get("seed").asLong());
            for (JsonNode call : c.get("calls")) {
                long n = Long.parseLong(call.get("n").asText());
                for (JsonNode v : call.get("values")) {
                    assertEquals(v.asLong(), r.randbelow(n), "seed " + c.get("seed") + " n " + n);
                }
            }
        }
        for (JsonNode c : doc.get("shuffle")) {
            PythonRandom r = new PythonRandom(c.get("seed").asLong());
            for (JsonNode s : c.get("shuffles")) {
                int n = s.get("n").asInt();
                int[] x = new int[n];
                for (int i = 0; i < n; i++) {
                    x[i] = i;
                }
                r.shuffle(x);
                int[] want = new int[n];
                for (int i = 0; i < n; i++) {
                    want[i] = s.get("values").get(i).asInt();
                }
                assertArrayEquals(want, x, "seed " + c.get("seed") + " n " + n);
            }
        }
    }
}
