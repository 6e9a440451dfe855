package org.encodertraces.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.io.Csv;

/**
 * The one writer of result documents: the JSON (two-space indented, keys in the document's
 * order) and the CSV of its headline numbers beside it, each written atomically
 * ({@link AtomicFiles}), so a reader never sees half a result.
 */
public final class ResultFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFiles() {
    }

    /**
     * A CSV: the header's column names and the rows' cells ({@link Csv#field}: numbers given as text
     * are written as they are, text is guarded and quoted when needed).
     */
    public record Table(List<String> header, List<List<?>> rows) {
        /** Copies the lists. */
        public Table {
            header = List.copyOf(header);
            rows = List.copyOf(rows);
        }

        /** The CSV text, one line per row, each ended by a newline. */
        public String text() {
            StringBuilder b = new StringBuilder(String.join(",", header)).append('\n');
            for (List<?> r : rows) {
                b.append(Csv.line(r));
            }
            return b.toString();
        }
    }

    /** The document's JSON text as written. */
    public static String json(ResultDocument doc) throws IOException {
        return MAPPER.writeValueAsString(doc.toJson());
    }

    /** Writes the document to {@code json} (its folder created when missing). */
    public static void write(ResultDocument doc, Path json) throws IOException {
        Path dir = json.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        AtomicFiles.writeString(json, json(doc));
    }

    /** Writes the document to {@code json} and its table to {@code csv}. */
    public static void write(ResultDocument doc, Path json, Table table, Path csv) throws IOException {
        write(doc, json);
        AtomicFiles.writeString(csv, table.text());
    }
}
