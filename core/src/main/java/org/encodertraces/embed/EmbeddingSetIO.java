package org.encodertraces.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores an {@link EmbeddingSet} as a safetensors file plus a JSON sidecar, and reads it back.
 *
 * <p>The safetensors file holds {@code image_embeddings} (F32 [N, D]) and one I64 [N] tensor per
 * label, named as in the study's release, so the study's tools read our files and we read
 * theirs. The sidecar, beside it with the extension {@code .safetensors} replaced by
 * {@code .json} ({@code clip.safetensors} -> {@code clip.json}), holds what safetensors cannot:
 * <pre>
 * { "format": "encoder-traces/embedding-set", "format_version": 1,
 *   "safetensors": "clip.safetensors", "safetensors_sha256": "...",
 *   "rows": N, "dim": D, "tensors": ["image_embeddings", "label", ...],
 *   "provenance": {...}, "ids": ["...", ...] }
 * </pre>
 * Both files are written to temporary names and moved into place; the sha256 in the sidecar
 * ties the pair together, so a sidecar left beside a different or half-replaced file is caught
 * on read.
 */
public final class EmbeddingSetIO {

    /** The sidecar's {@code format} value. */
    public static final String FORMAT = "encoder-traces/embedding-set";
    /** The sidecar version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EmbeddingSetIO() {
    }

    /** The sidecar path of a safetensors file: {@code x.safetensors} -> {@code x.json}. */
    public static Path sidecarOf(Path safetensorsFile) {
        String name = safetensorsFile.getFileName().toString();
        String base = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return safetensorsFile.resolveSibling(base + ".json");
    }

    /** Writes {@code set} to {@code safetensorsFile} and its sidecar, replacing both atomically (each). */
    public static void write(Path safetensorsFile, EmbeddingSet set) throws IOException {
        Path target = safetensorsFile.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path sidecar = sidecarOf(target);
        if (sidecar.equals(target)) {
            throw new IllegalArgumentException("The embedding file must not end in .json: " + target);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(EmbeddingSet.EMBEDDINGS, Tensor.f32(new long[] {set.rows(), set.dim()}, set.embeddings()));
        for (Map.Entry<String, long[]> e : set.labels().entrySet()) {
            tensors.put(e.getKey(), Tensor.i64(new long[] {set.rows()}, e.getValue()));
        }
        Map<String, String> metadata = Map.of("format", FORMAT, "sidecar", sidecar.getFileName().toString());

        Path tmpData = org.encodertraces.io.AtomicFiles.newTemporary(target);
        Path tmpSide = org.encodertraces.io.AtomicFiles.newTemporary(sidecar);
        try {
            MessageDigest md = sha256();
            try (OutputStream out = new DigestOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(tmpData), 1 << 16), md)) {
                Safetensors.write(out, tensors, metadata);
            }
            ObjectNode side = JsonNodeFactory.instance.objectNode();
            side.put("format", FORMAT);
            side.put("format_version", FORMAT_VERSION);
            side.put("safetensors", target.getFileName().toString());
            side.put("safetensors_sha256", HexFormat.of().formatHex(md.digest()));
            side.put("rows", set.rows());
            side.put("dim", set.dim());
            ArrayNode names = side.putArray("tensors");
            Safetensors.layoutOrder(tensors).forEach(e -> names.add(e.getKey()));
            side.set("provenance", set.provenance().toJsonNode());
            ArrayNode ids = side.putArray("ids");
            set.ids().forEach(ids::add);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmpSide))) {
                JSON.writeValue(out, side);
            }
            // the data first, the sidecar (which names the data's sha256) last: moving it is the set's commit
            org.encodertraces.io.AtomicFiles.moveIntoPlace(tmpData, target);
            org.encodertraces.io.AtomicFiles.moveIntoPlace(tmpSide, sidecar);
        } finally {
            Files.deleteIfExists(tmpData);
            Files.deleteIfExists(tmpSide);
        }
    }

    /**
     * Reads an embedding set and its sidecar, cross-checking them: the sidecar's sha256, row
     * count, width, tensor names and id count must all match the safetensors file.
     *
     * @throws EmbeddingFormatException naming the file and the mismatch
     */
    public static EmbeddingSet read(Path safetensorsFile) throws IOException {
        requireFile(safetensorsFile);
        Sidecar side = checkedSidecar(safetensorsFile);
        Loaded l = load(safetensorsFile, true);
        side.check(safetensorsFile, l);
        return new EmbeddingSet(l.rows, l.dim, l.embeddings, l.labels, side.ids, side.provenance);
    }

    /**
     * Reads a set's ids, labels and provenance without its embedding matrix, with the checks of {@link #read}
     * (for a file with a sidecar; as {@link #readWithoutSidecar} for one without) except those on the matrix's
     * values: {@link #readRows} makes them on the rows it reads. The file is hashed (streamed, not held).
     */
    public static EmbeddingIndex readIndex(Path safetensorsFile) throws IOException {
        requireFile(safetensorsFile);
        if (!Files.exists(sidecarOf(safetensorsFile))) {
            Loaded l = load(safetensorsFile, false);
            SetProvenance prov = SetProvenance.ofSource(new SetProvenance.Source(safetensorsFile.getFileName().toString(),
                    sha256(safetensorsFile), l.metadata));
            return new EmbeddingIndex(safetensorsFile, l.rows, l.dim, l.labels, rowNumbers(l.rows), prov);
        }
        Sidecar side = checkedSidecar(safetensorsFile);
        Loaded l = load(safetensorsFile, false);
        side.check(safetensorsFile, l);
        return new EmbeddingIndex(safetensorsFile, l.rows, l.dim, l.labels, side.ids, side.provenance);
    }

    /**
     * Rows {@code [from, to)} of a set's embedding matrix, row-major, as floats; only those rows are read, and
     * their values are checked as {@link #read} checks the whole matrix (an error names the file and the row
     * in the whole set). The pair with the sidecar is not checked here: {@link #readIndex} does that once.
     */
    public static float[] readRows(Path safetensorsFile, int from, int to) throws IOException {
        requireFile(safetensorsFile);
        try (SafetensorsFile st = Safetensors.open(safetensorsFile)) {
            TensorInfo emb = embeddingsInfo(safetensorsFile, st);
            float[] e = st.readFloatRows(EmbeddingSet.EMBEDDINGS, from, to);
            checkValues(safetensorsFile, e, Math.toIntExact(emb.shape().get(1)), from);
            return e;
        }
    }

    /** A sidecar read and checked against the file's sha256, before the file's tensors are. */
    private record Sidecar(JsonNode json, Path path, List<String> ids, SetProvenance provenance) {
        /** The sidecar's counts and names against the file's. */
        void check(Path safetensorsFile, Loaded l) throws IOException {
            long rows = wholeNumber(json, "rows", path);
            long dim = wholeNumber(json, "dim", path);
            if (rows != l.rows || dim != l.dim) {
                throw new EmbeddingFormatException(path, "says " + rows + " x " + dim + " but "
                        + safetensorsFile.getFileName() + " holds " + l.rows + " x " + l.dim);
            }
            List<String> names = new ArrayList<>();
            json.path("tensors").forEach(n -> names.add(n.asText()));
            if (!names.equals(l.tensorNames)) {
                throw new EmbeddingFormatException(path, "lists tensors " + names + " but "
                        + safetensorsFile.getFileName() + " holds " + l.tensorNames);
            }
            if (ids.size() != l.rows) {
                throw new EmbeddingFormatException(path, "holds " + ids.size() + " sample ids for " + l.rows + " rows");
            }
            for (Map.Entry<String, long[]> e : l.labels.entrySet()) {
                List<String> classes = provenance.dataset() == null ? null : provenance.dataset().classNames(e.getKey());
                if (classes != null) {
                    checkLabels(safetensorsFile, e.getKey(), e.getValue(), classes.size());
                }
            }
        }
    }

    private static Sidecar checkedSidecar(Path safetensorsFile) throws IOException {
        Path sidecar = sidecarOf(safetensorsFile);
        JsonNode side = readSidecarJson(safetensorsFile, " is missing (use readWithoutSidecar for files from elsewhere)");
        long version = wholeNumber(side, "format_version", sidecar);
        if (version != FORMAT_VERSION) {
            throw new EmbeddingFormatException(sidecar, "format_version " + version + " is not supported (this build reads "
                    + FORMAT_VERSION + ")");
        }
        String sha = side.path("safetensors_sha256").asText("");
        String actual = sha256(safetensorsFile);
        if (!sha.equals(actual)) {
            throw new EmbeddingFormatException(sidecar, "belongs to a file with sha256 " + sha + " but "
                    + safetensorsFile.getFileName() + " has sha256 " + actual + " (replaced or modified since it was written?)");
        }
        JsonNode idNode = side.path("ids");
        if (!idNode.isArray()) {
            throw new EmbeddingFormatException(sidecar, "has no 'ids' array");
        }
        List<String> ids = new ArrayList<>(idNode.size());
        for (JsonNode n : idNode) {
            if (!n.isTextual()) {
                throw new EmbeddingFormatException(sidecar, "sample id " + n + " at row " + ids.size() + " is not a string");
            }
            ids.add(n.textValue());
        }
        return new Sidecar(side, sidecar, ids, SetProvenance.fromJson(side.get("provenance")));
    }

    private static List<String> rowNumbers(int rows) {
        List<String> ids = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            ids.add(Integer.toString(i));
        }
        return ids;
    }

    /**
     * The provenance a set's sidecar records, read without the set's data (no hash, no floats): what
     * a plan needs to say what a rerun would reuse. The pair is not checked here; {@link #read} does.
     *
     * @throws EmbeddingFormatException when the sidecar is missing, not JSON or not an embedding-set sidecar
     */
    public static SetProvenance readProvenance(Path safetensorsFile) throws IOException {
        return SetProvenance.fromJson(readSidecarJson(safetensorsFile, " is missing").get("provenance"));
    }

    /** The sidecar of {@code safetensorsFile} as JSON, checked to be an embedding-set sidecar; {@code missing} ends the message when it is not there. */
    private static JsonNode readSidecarJson(Path safetensorsFile, String missing) throws IOException {
        Path sidecar = sidecarOf(safetensorsFile);
        JsonNode side;
        try (InputStream in = Files.newInputStream(sidecar)) {
            side = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new EmbeddingFormatException(safetensorsFile, "its sidecar " + sidecar.getFileName() + missing);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new EmbeddingFormatException(sidecar, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (side == null || !side.isObject() || !FORMAT.equals(side.path("format").asText())) {
            throw new EmbeddingFormatException(sidecar, "not an embedding-set sidecar (format is not '" + FORMAT + "')");
        }
        return side;
    }

    /**
     * Reads a safetensors embedding file that has no sidecar (the study's release, say): ids are
     * the row numbers {@code "0"}, {@code "1"}, ..., and the provenance records the source file
     * and its metadata.
     */
    public static EmbeddingSet readWithoutSidecar(Path safetensorsFile) throws IOException {
        requireFile(safetensorsFile);
        Loaded l = load(safetensorsFile, true);
        List<String> ids = rowNumbers(l.rows);
        SetProvenance prov = SetProvenance.ofSource(new SetProvenance.Source(safetensorsFile.getFileName().toString(),
                sha256(safetensorsFile), l.metadata));
        return new EmbeddingSet(l.rows, l.dim, l.embeddings, l.labels, ids, prov);
    }

    /** A count the sidecar must hold as a whole number; text such as "thirty" is named, not read as -1. */
    private static long wholeNumber(JsonNode side, String field, Path sidecar) throws EmbeddingFormatException {
        JsonNode n = side.get(field);
        if (n == null || n.isNull()) {
            throw new EmbeddingFormatException(sidecar, "has no '" + field + "' field");
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new EmbeddingFormatException(sidecar, "field '" + field + "' is " + n + ", not a whole number");
        }
        return n.asLong();
    }

    /** A missing file is named as missing ("x.safetensors: no such file"), not by its path alone. */
    private static void requireFile(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new EmbeddingFormatException(file, "is a folder, not an embedding set (a .safetensors file)");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
    }

    private record Loaded(int rows, int dim, float[] embeddings, Map<String, long[]> labels, List<String> tensorNames,
                          Map<String, String> metadata) {
    }

    /** The file's tensors; the embedding matrix only when {@code withEmbeddings} (else null, its shape checked all the same). */
    private static Loaded load(Path file, boolean withEmbeddings) throws IOException {
        try (SafetensorsFile st = Safetensors.open(file)) {
            TensorInfo emb = embeddingsInfo(file, st);
            long n = emb.shape().get(0);
            long d = emb.shape().get(1);
            float[] e = null;
            if (withEmbeddings) {
                e = st.readFloats(EmbeddingSet.EMBEDDINGS);
                checkValues(file, e, (int) d, 0);
            }
            Map<String, long[]> labels = new LinkedHashMap<>();
            for (TensorInfo t : st.tensors().values()) {
                if (t.name().equals(EmbeddingSet.EMBEDDINGS)) {
                    continue;
                }
                if (!t.dtype().isInteger()) {
                    throw new EmbeddingFormatException(file, "label tensor '" + t.name() + "' is " + t.dtype()
                            + ", not an integer type");
                }
                if (t.shape().isEmpty() || t.shape().get(0) != n || t.elementCount() != n) {
                    throw new EmbeddingFormatException(file, "label tensor '" + t.name() + "' has shape " + t.shape()
                            + " but there are " + n + " rows");
                }
                long[] v = st.readLongs(t.name());
                checkLabels(file, t.name(), v, -1);
                labels.put(t.name(), v);
            }
            return new Loaded((int) n, (int) d, e, labels, new ArrayList<>(st.tensors().keySet()), st.metadata());
        }
    }

    /** The embedding matrix's header entry, checked to be a float [N, D] tensor of int-sized dimensions. */
    private static TensorInfo embeddingsInfo(Path file, SafetensorsFile st) throws IOException {
        TensorInfo emb = st.info(EmbeddingSet.EMBEDDINGS);
        if (emb.shape().size() != 2) {
            throw new EmbeddingFormatException(file, "'" + EmbeddingSet.EMBEDDINGS + "' has shape " + emb.shape()
                    + ", not [N, D]");
        }
        if (!emb.dtype().isFloat()) {
            throw new EmbeddingFormatException(file, "'" + EmbeddingSet.EMBEDDINGS + "' is " + emb.dtype()
                    + ", not a float type");
        }
        if (emb.shape().get(0) > Integer.MAX_VALUE || emb.shape().get(1) > Integer.MAX_VALUE) {
            throw new EmbeddingFormatException(file, "embedding matrix " + emb.shape().get(0) + " x " + emb.shape().get(1)
                    + " is too large");
        }
        return emb;
    }

    /** Embeddings beyond this magnitude are refused as garbage (no encoder's features come near it). */
    public static final float MAX_ABS_VALUE = 1e30f;

    /** Every value must be finite and of sane magnitude; the error names the row, the dimension and the value. */
    private static void checkValues(Path file, float[] e, int dim, int firstRow) throws EmbeddingFormatException {
        for (int i = 0; i < e.length; i++) {
            float v = e[i];
            if (!Float.isFinite(v) || Math.abs(v) > MAX_ABS_VALUE) {
                throw new EmbeddingFormatException(file, "'" + EmbeddingSet.EMBEDDINGS + "' row " + (firstRow + (long) (i / dim)) + ", dimension "
                        + (i % dim) + " holds " + v + (Float.isFinite(v) ? ", an absurd magnitude (over " + MAX_ABS_VALUE + ")"
                        : ", not a finite number") + ": the set is damaged or was made by a broken encoder");
            }
        }
    }

    /**
     * Labels are class indices: -1 (no label) or 0 ... classes-1 when the number of classes is
     * known ({@code classes >= 0}), otherwise at least -1.
     */
    private static void checkLabels(Path file, String tensor, long[] v, int classes) throws EmbeddingFormatException {
        for (int i = 0; i < v.length; i++) {
            if (v[i] < -1 || (classes >= 0 && v[i] >= classes)) {
                throw new EmbeddingFormatException(file, "label tensor '" + tensor + "' row " + i + " holds " + v[i] + ", outside "
                        + (classes >= 0 ? "0.." + (classes - 1) + " (the sidecar names " + classes + " classes)" : "the valid range")
                        + " and -1 (no label)");
            }
        }
    }


    private static MessageDigest sha256() {
        return org.encodertraces.provenance.Hashes.sha256Digest();
    }

    private static String sha256(Path file) throws IOException {
        return org.encodertraces.provenance.Hashes.sha256(file);
    }
}
