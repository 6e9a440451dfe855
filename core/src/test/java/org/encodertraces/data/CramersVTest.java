package org.encodertraces.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.encodertraces.TestData;
import org.junit.jupiter.api.Test;

class CramersVTest {

    @Test
    void handComputedTwoByTwo() {
        // n=100, rows 30/70, cols 40/60: E = 12 18 / 28 42; chi2 = 4/12+4/18+4/28+4/42 = 0.7936507...
        CramersV.Association a = CramersV.of(new long[][] {{10, 20}, {30, 40}}, false);
        assertEquals(100, a.n());
        assertEquals(4.0 / 12 + 4.0 / 18 + 4.0 / 28 + 4.0 / 42, a.chiSquare(), 1e-12);
        assertEquals(1, a.dof());
        assertEquals(Math.sqrt(a.chiSquare() / 100), a.v(), 1e-12);
        // bias-corrected: phi2 = 0.00794 < (1*1)/99, so V* = 0
        assertEquals(0.0, CramersV.of(new long[][] {{10, 20}, {30, 40}}, true).v(), 0);
        // perfect association: V = V* = 1
        assertEquals(1.0, CramersV.of(new long[][] {{50, 0}, {0, 50}}, false).v(), 1e-12);
        assertEquals(1.0, CramersV.of(new long[][] {{50, 0}, {0, 50}}, true).v(), 1e-12);
    }

    @Test
    void emptyRowsAndColumnsAreDroppedAndDegenerateTablesGiveZero() {
        CramersV.Association a = CramersV.of(new long[][] {{10, 0, 20}, {0, 0, 0}, {30, 0, 40}}, false);
        assertEquals(2, a.rows());
        assertEquals(2, a.cols());
        assertEquals(CramersV.of(new long[][] {{10, 20}, {30, 40}}, false), a);
        CramersV.Association one = CramersV.of(new long[][] {{5, 7}}, false);
        assertEquals(0.0, one.v());
        assertEquals(1.0, one.pValue());
    }

    @Test
    void matchesScipyAssociationAndChi2Contingency() throws IOException {
        JsonNode root = new ObjectMapper().readTree(TestData.fixture("audit/cramers_v.json").toFile());
        assertEquals(6, root.get("cases").size());
        for (JsonNode c : root.get("cases")) {
            JsonNode t = c.get("table");
            long[][] table = new long[t.size()][];
            for (int i = 0; i < t.size(); i++) {
                table[i] = new long[t.get(i).size()];
                for (int j = 0; j < table[i].length; j++) {
                    table[i][j] = t.get(i).get(j).asLong();
                }
            }
            CramersV.Association plain = CramersV.of(table, false);
            assertEquals(c.get("cramers_v").asDouble(), plain.v(), 1e-12, t.toString());
            assertEquals(c.get("chi_square").asDouble(), plain.chiSquare(), 1e-9 * Math.max(1, plain.chiSquare()), t.toString());
            assertEquals(c.get("dof").asInt(), plain.dof());
            double p = c.get("p_value").asDouble();
            assertEquals(p, plain.pValue(), Math.max(1e-14, 1e-9 * p), t.toString());
            assertEquals(c.get("cramers_v_bias_corrected").asDouble(), CramersV.of(table, true).v(), 1e-12, t.toString());
        }
    }
}
