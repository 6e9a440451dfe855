package org.encodertraces.data.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.encodertraces.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parquet reader against files written by DuckDB and arrow-rs ({@code tools/parquet-fixtures}):
 * every value of every fixture equals the value the generating script wrote, and broken files
 * fail with the file and the reason.
 */
class ParquetFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(TestData.fixture("parquet"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet") && !n.equals("arrow-brotli.parquet"))
                    .sorted().toList().stream();
        }
    }

    @Test
    void fixturesCoverBothWritersAndEveryCodecAndEncoding() throws IOException {
        Set<String> writers = new TreeSet<>();
        Set<String> codecs = new TreeSet<>();
        Set<String> encodings = new TreeSet<>();
        for (String f : fixtures().toList()) {
            JsonNode e = expected(f);
            writers.add(e.get("writer").asText().split(" ")[0]);
            for (JsonNode c : e.get("chunks")) {
                codecs.add(c.get("compression").asText());
                encodings.addAll(List.of(c.get("encodings").asText().split(", ")));
            }
        }
        assertEquals(Set.of("DuckDB", "arrow-rs"), writers);
        assertEquals(Set.of("UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "LZ4_RAW"), codecs);
        // a DATA_PAGE_V2 header (field 1, type 3) opens arrow-rs' v2 file; DuckDB writes v1 pages even for format v2
        byte[] v2 = Files.readAllBytes(TestData.fixture("parquet/arrow-types-v2-plain-zstd.parquet"));
        assertArrayEquals(new byte[] {0x15, 0x06}, java.util.Arrays.copyOfRange(v2, 4, 6));
        assertTrue(encodings.containsAll(Set.of("PLAIN", "PLAIN_DICTIONARY", "RLE_DICTIONARY", "RLE", "DELTA_BINARY_PACKED",
                "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "BYTE_STREAM_SPLIT")), encodings.toString());
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyValueEqualsWhatTheWriterWasGiven(String name) throws IOException {
        JsonNode e = expected(name);
        try (ParquetFile pf = ParquetFile.open(TestData.fixture("parquet/" + name))) {
            int rows = e.get("rows").asInt();
            assertEquals(rows, pf.rowCount());
            Set<Integer> groups = new TreeSet<>();
            e.get("chunks").forEach(c -> groups.add(c.get("rowGroup").asInt()));
            assertEquals(groups.size(), pf.rowGroupCount(), "row groups");
            for (JsonNode c : e.get("chunks")) {
                assertEquals(c.get("compression").asText(), pf.codec(c.get("rowGroup").asInt(), c.get("path").asText()), c.toString());
            }
            List<String> paths = pf.columns().stream().map(ParquetColumn::path).toList();
            assertEquals(e.get("columns").size(), paths.size(), paths.toString());
            for (JsonNode col : e.get("columns")) {
                String path = col.get("path").asText();
                String kind = col.get("kind").asText();
                ParquetColumn pc = pf.column(path);
                assertNotNull(pc, path + " in " + paths);
                List<Object> got = pf.readAll(path);
                assertEquals(rows, got.size(), path);
                for (int r = 0; r < rows; r++) {
                    assertValue(kind, col.get("values").get(r), got.get(r), pc, name + " " + path + " row " + r);
                }
            }
        }
    }

    private static void assertValue(String kind, JsonNode want, Object got, ParquetColumn col, String where) {
        if (want.isNull()) {
            assertNull(got, where);
            return;
        }
        assertNotNull(got, where);
        assertEquals(col.valueClass(), got.getClass(), where);
        switch (kind) {
            case "bool" -> assertEquals(want.asBoolean(), got, where);
            case "int" -> assertEquals(want.asLong(), ((Number) got).longValue(), where);
            case "int64" -> assertEquals(want.asText(), got.toString(), where);
            case "float" -> assertEquals(want.asDouble(), ((Number) got).doubleValue(), 0.0, where);
            case "string" -> assertEquals(want.asText(), got, where);
            case "bytes" -> assertArrayEquals(Base64.getDecoder().decode(want.asText()), (byte[]) got, where);
            default -> throw new AssertionError("unknown kind " + kind);
        }
    }

    private static JsonNode expected(String parquet) throws IOException {
        return JSON.readTree(TestData.fixture("parquet/" + parquet.replace(".parquet", ".expected.json")).toFile());
    }

    @Test
    void schemaAnnotationsAndStructLeaves() throws IOException {
        try (ParquetFile pf = ParquetFile.open(TestData.fixture("parquet/arrow-types-v1-plain-uncompressed.parquet"))) {
            assertEquals(new ParquetColumn("req", ParquetColumn.PhysicalType.INT32, 0, null, 0, 0), pf.column("req"));
            assertEquals("INT_8", pf.column("i8").logicalType());
            assertEquals(1, pf.column("i8").maxDefinition());
            assertEquals(String.class, pf.column("s").valueClass());
            assertEquals(16, pf.column("fixed").typeLength());
        }
        try (ParquetFile pf = ParquetFile.open(TestData.fixture("parquet/duckdb-paircams.parquet"))) {
            assertEquals(List.of("id", "image", "subject", "camera_make", "camera_model"), pf.topLevelNames());
            assertEquals(2, pf.column("image.path").maxDefinition(), "optional struct around an optional leaf");
            assertEquals(byte[].class, pf.column("image.bytes").valueClass());
            assertTrue(pf.createdBy().contains("DuckDB"), pf.createdBy());
        }
    }

    @Test
    void brokenFilesNameTheFileAndTheReason(@TempDir Path dir) throws IOException {
        byte[] good = Files.readAllBytes(TestData.fixture("parquet/duckdb-types-zstd.parquet"));

        assertFails(dir, "empty.parquet", new byte[0], "not a parquet file");
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 'Q';
        assertFails(dir, "magic.parquet", wrongMagic, "does not start with PAR1");
        assertFails(dir, "cut.parquet", java.util.Arrays.copyOf(good, good.length - 100), "does not end with PAR1");
        byte[] longFooter = good.clone();
        longFooter[good.length - 5] = 0x7F;
        assertFails(dir, "footer-length.parquet", longFooter, "truncated: the footer says");
        byte[] shortFooter = good.clone();
        int footerLength = (good[good.length - 8] & 0xFF) | (good[good.length - 7] & 0xFF) << 8;
        shortFooter[good.length - 8] = (byte) (footerLength / 3);
        shortFooter[good.length - 7] = (byte) ((footerLength / 3) >> 8);
        assertFails(dir, "footer.parquet", shortFooter, "corrupt footer");

        // the first column chunk starts right after the magic: its page header, then a zstd frame
        byte[] header = good.clone();
        header[4] = (byte) 0xFF;
        assertReadFails(dir, "header.parquet", header, "req", "corrupt page header");
        byte[] body = good.clone();
        int frame = indexOf(good, new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}, 4);
        assertTrue(frame > 4 && frame < 64, "zstd frame of the first page at " + frame);
        body[frame] ^= 0x55;
        assertReadFails(dir, "body.parquet", body, "req", "ZSTD data does not decompress");

        // value encoding BIT_PACKED (deprecated, levels only) in place of PLAIN in the first data page header
        byte[] plain = Files.readAllBytes(TestData.fixture("parquet/arrow-types-v1-plain-uncompressed.parquet"));
        int enc = indexOf(plain, new byte[] {0x15, 0x00, 0x15, 0x06, 0x15, 0x06}, 4);
        assertTrue(enc > 4 && enc < 64, "PLAIN data page header at " + enc);
        plain[enc + 1] = 0x08;
        assertReadFails(dir, "encoding.parquet", plain, "req", "value encoding BIT_PACKED is not supported");

        IOException codec = assertThrows(IOException.class,
                () -> readAll(TestData.fixture("parquet/arrow-brotli.parquet"), "req"));
        assertTrue(codec.getMessage().contains("arrow-brotli.parquet") && codec.getMessage().contains("'req'")
                && codec.getMessage().contains("compression BROTLI is not supported"), codec.getMessage());

        IOException missing = assertThrows(IOException.class, () -> readAll(TestData.fixture("parquet/arrow-brotli.parquet"), "nope"));
        assertTrue(missing.getMessage().contains("no column 'nope'") && missing.getMessage().contains("[req]"), missing.getMessage());
    }

    private static void assertFails(Path dir, String name, byte[] bytes, String reason) throws IOException {
        Path f = Files.write(dir.resolve(name), bytes);
        IOException e = assertThrows(IOException.class, () -> ParquetFile.open(f).close());
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(reason), e.getMessage());
    }

    private static void assertReadFails(Path dir, String name, byte[] bytes, String column, String reason) throws IOException {
        Path f = Files.write(dir.resolve(name), bytes);
        IOException e = assertThrows(IOException.class, () -> readAll(f, column));
        assertTrue(e.getMessage().startsWith(f + ": column '" + column + "', row group 0: ") && e.getMessage().contains(reason), e.getMessage());
    }

    private static List<Object> readAll(Path f, String column) throws IOException {
        try (ParquetFile pf = ParquetFile.open(f)) {
            return pf.readAll(column);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
