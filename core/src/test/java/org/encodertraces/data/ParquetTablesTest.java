package org.encodertraces.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.encodertraces.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FlickrExif and PairCams read from parquet (DuckDB's and arrow-rs' fixtures) as from the equivalent CSV. */
class ParquetTablesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Python's str() of the doubles in the FlickrExif fixtures, written out by hand (not by the code under test). */
    private static final Map<Double, String> PYTHON = Map.of(1.8, "1.8", 2.8, "2.8", 10.0, "10.0", 0.95, "0.95", 0.01, "0.01",
            1e-5, "1e-05", 1e16, "1e+16", 0.001, "0.001", 2.5, "2.5", 123456789.125, "123456789.125");

    @Test
    void floatsReadAsPythonPrintsThem() {
        assertEquals("2019.0", ParquetTables.pythonRepr(2019.0, false));
        assertEquals("1e-05", ParquetTables.pythonRepr(1e-5, false));
        assertEquals("0.0001", ParquetTables.pythonRepr(1e-4, false));
        assertEquals("1e+16", ParquetTables.pythonRepr(1e16, false));
        assertEquals("1000000000000000.0", ParquetTables.pythonRepr(1e15, false));
        assertEquals("1.5e+300", ParquetTables.pythonRepr(1.5e300, false));
        assertEquals("0.30000000000000004", ParquetTables.pythonRepr(0.1 + 0.2, false));
        assertEquals("-2.5", ParquetTables.pythonRepr(-2.5, false));
        assertEquals("-0.0", ParquetTables.pythonRepr(-0.0, false));
        assertEquals("5e-324", ParquetTables.pythonRepr(Double.MIN_VALUE, false));
        assertEquals("1.7976931348623157e+308", ParquetTables.pythonRepr(Double.MAX_VALUE, false));
        assertEquals("0.1", ParquetTables.pythonRepr(0.1f, true), "numpy's float32 repr");
        assertEquals("0.10000000149011612", ParquetTables.pythonRepr(0.1f, false));
        assertEquals("inf", ParquetTables.pythonRepr(Double.POSITIVE_INFINITY, false));
        assertEquals("", ParquetTables.pythonRepr(Double.NaN, false), "pandas writes NaN as an empty field");
    }

    /** The fixture's table as pandas' to_csv would write it, built from the expected values. */
    private static Path csvOf(String fixture, Path out) throws IOException {
        JsonNode e = JSON.readTree(TestData.fixture("parquet/" + fixture.replace(".parquet", ".expected.json")).toFile());
        List<String> header = new ArrayList<>();
        e.get("columns").forEach(c -> header.add(c.get("path").asText()));
        StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
        for (int r = 0; r < e.get("rows").asInt(); r++) {
            List<String> cells = new ArrayList<>();
            for (JsonNode c : e.get("columns")) {
                JsonNode v = c.get("values").get(r);
                String kind = c.get("kind").asText();
                String cell = v.isNull() ? ""
                        : kind.equals("float") ? PYTHON.getOrDefault(v.asDouble(), v.asDouble() == Math.rint(v.asDouble()) ? v.asLong() + ".0" : "?")
                        : kind.equals("bytes") ? v.asText()
                        : v.asText();
                assertFalse(cell.equals("?"), "no Python spelling for " + v);
                cells.add(cell.contains(",") || cell.contains("\"") ? '"' + cell.replace("\"", "\"\"") + '"' : cell);
            }
            csv.append(String.join(",", cells)).append('\n');
        }
        return Files.writeString(out, csv.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"duckdb-flickrexif.parquet", "arrow-flickrexif.parquet"})
    void flickrExifFromParquetEqualsItsCsv(String fixture, @TempDir Path root) throws IOException {
        Path pq = Files.copy(TestData.fixture("parquet/" + fixture), root.resolve("flickrexif.parquet"));
        Path csv = csvOf(fixture, root.resolve("flickrexif.csv"));
        FlickrExifTable fromPq = FlickrExifTable.read(pq);
        FlickrExifTable fromCsv = FlickrExifTable.read(csv);
        assertEquals(24, fromPq.rows().size());
        assertEquals(fromCsv.columns(), fromPq.columns());
        assertEquals(fromCsv.rows(), fromPq.rows());
        assertTrue(fromPq.rows().get(0).flickrId().matches("5\\d{10}"), fromPq.rows().get(0).flickrId());
        assertTrue(fromPq.rows().stream().anyMatch(r -> r.values().get("Year").matches("20\\d\\d\\.0")), "float years as pandas writes them");
        assertTrue(fromPq.rows().stream().anyMatch(r -> r.values().get("ISO Speed").isEmpty()), "null ISO");

        for (FlickrExifTable.Row r : fromPq.rows().subList(0, 12)) {
            DatasetReadersTest.write(root.resolve("photos").resolve(FlickrExifTable.fileName(r.flickrId())), new byte[] {1});
        }
        Datasets.Opened o = Datasets.open(pq);
        assertEquals("flickrexif", o.kind());
        Dataset d = o.dataset();
        Dataset c = Datasets.open("flickrexif:" + csv).dataset();
        assertEquals(12, d.samples().size());
        assertEquals(c.labelNames(), d.labelNames());
        assertEquals(c.samples(), d.samples());
        assertTrue(d.labelNames().get("Year").stream().allMatch(y -> y.matches("20\\d\\d\\.0")), d.labelNames().get("Year").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"duckdb-paircams.parquet", "arrow-paircams.parquet"})
    void pairCamsFromParquetEqualsItsBase64Csv(String fixture, @TempDir Path root) throws IOException {
        Path pq = Files.copy(TestData.fixture("parquet/" + fixture), root.resolve("pairs.parquet"));
        JsonNode e = JSON.readTree(TestData.fixture("parquet/" + fixture.replace(".parquet", ".expected.json")).toFile());
        StringBuilder csv = new StringBuilder("id,image,subject,camera_make,camera_model\n");
        for (int r = 0; r < 4; r++) {
            for (String col : List.of("id", "image.bytes", "subject", "camera_make", "camera_model")) {
                for (JsonNode c : e.get("columns")) {
                    if (c.get("path").asText().equals(col)) {
                        csv.append(c.get("values").get(r).asText()).append(col.equals("camera_model") ? "\n" : ",");
                    }
                }
            }
        }
        Path table = Files.writeString(root.resolve("pairs.csv"), csv.toString());
        Dataset fromCsv = PairCams.open(table, root.resolve("csv-images"));

        Datasets.Opened o = Datasets.open(pq);
        assertEquals("paircams", o.kind());
        Dataset auto = o.dataset();
        assertEquals(root.resolve("pairs.parquet.images/pc-0.jpg"), auto.samples().get(0).file().toAbsolutePath());
        Dataset fromPq = Datasets.open("paircams:" + pq + "?images=" + root.resolve("pq-images")).dataset();
        assertEquals(fromCsv.labelNames(), fromPq.labelNames());
        assertEquals(List.of("Canon EOS 5D Mark II", "SM-G991B", "X-T3", "iPhone 12"), fromPq.labelNames().get("model"));
        assertEquals(4, fromPq.samples().size());
        for (int i = 0; i < 4; i++) {
            Sample p = fromPq.samples().get(i);
            Sample c = fromCsv.samples().get(i);
            assertEquals(c.id(), p.id());
            assertEquals(c.labels(), p.labels());
            assertEquals(c.file().getFileName(), p.file().getFileName());
            assertEquals(-1L, Files.mismatch(c.file(), p.file()), p.id());
        }
        assertEquals(Map.of("subject", 0L, "device", 1L, "model", 3L), fromPq.samples().get(0).labels(), "iPhone 12: a phone");
        assertEquals(root.resolve("pq-images/pc-3.png"), fromPq.samples().get(3).file());
        assertEquals(-1L, Files.mismatch(fromPq.samples().get(3).file(), TestData.fixture("pillow/decode/inputs/bilevel.png")));
        assertTrue(Base64.getDecoder().decode(e.get("columns").get(1).get("values").get(0).asText()).length > 100);
    }

    @Test
    void parquetErrorsNameTheFile(@TempDir Path root) throws IOException {
        Path pq = Files.copy(TestData.fixture("parquet/duckdb-types-snappy.parquet"), root.resolve("types.parquet"));
        IOException kind = assertThrows(IOException.class, () -> Datasets.open(pq));
        assertTrue(kind.getMessage().contains("types.parquet") && kind.getMessage().contains("cannot tell which dataset"), kind.getMessage());
        IOException pairs = assertThrows(IOException.class, () -> PairCams.open(pq, root.resolve("x")));
        assertTrue(pairs.getMessage().contains("types.parquet: no 'subject' column"), pairs.getMessage());
        IOException flickr = assertThrows(IOException.class, () -> FlickrExifTable.read(pq));
        assertTrue(flickr.getMessage().contains("types.parquet: no 'Flickr ID' column"), flickr.getMessage());
        Path notPq = Files.writeString(root.resolve("fake.parquet"), "Flickr ID,url\n1,x\n");
        IOException fake = assertThrows(IOException.class, () -> FlickrExifTable.read(notPq));
        assertTrue(fake.getMessage().contains("fake.parquet: not a parquet file"), fake.getMessage());
    }
}
