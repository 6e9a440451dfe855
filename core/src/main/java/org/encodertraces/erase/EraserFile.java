package org.encodertraces.erase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.embed.EmbeddingFormatException;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.embed.Safetensors;
import org.encodertraces.embed.SafetensorsFile;
import org.encodertraces.embed.Tensor;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.provenance.Hashes;
import org.encodertraces.provenance.ProvenanceJson;

/**
 * An eraser as files: a safetensors file with {@code mean} (F64 [D]), {@code left} and
 * {@code right} (F64 [D, k]) and a JSON sidecar beside it ({@code e.safetensors} -> {@code e.json})
 * with how it was fitted.
 *
 * <p>The sidecar holds the method and its parameters, the encoder the embeddings came from (model
 * name, model sha256, D), the concepts with their class names, the input embedding sets with their
 * sha256, the ids of the images it was fitted on (so that experiments can check they evaluate on
 * others) and the tool's provenance. Its {@code safetensors_sha256} ties the pair together.
 *
 * @param eraser      the map
 * @param encoder     the encoder whose embeddings it was fitted on
 * @param fittedIds   the ids of the images it was fitted on
 * @param datasetSha256 the manifest sha256 of their dataset, "" when unknown
 * @param description the rest of the sidecar: {@code concepts}, {@code parameters}, {@code inputs}, {@code fit}, {@code provenance}
 */
public record EraserFile(Eraser eraser, EncoderIdentity encoder, List<String> fittedIds, String datasetSha256, ObjectNode description) {
    /** The sidecar's {@code format} value. */
    public static final String FORMAT = "encoder-traces/eraser";
    /** The sidecar version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Copies the lists. */
    public EraserFile {
        fittedIds = List.copyOf(fittedIds);
        description = description.deepCopy();
        if (encoder.dim() != eraser.dim()) {
            throw new IllegalArgumentException("eraser of dimension " + eraser.dim() + " for an encoder of dimension " + encoder.dim());
        }
    }

    /** The concept names the sidecar lists. */
    public List<String> conceptNames() {
        List<String> names = new ArrayList<>();
        description.path("concepts").forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    /** Writes the safetensors file and its sidecar (each to a temporary name, then moved into place). */
    public void write(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path sidecar = EmbeddingSetIO.sidecarOf(target);
        if (sidecar.equals(target)) {
            throw new IllegalArgumentException("the eraser file must not end in .json: " + file);
        }
        Files.createDirectories(target.getParent());
        int d = eraser.dim();
        int k = eraser.rank();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("mean", Tensor.f64(new long[] {d}, eraser.mean()));
        tensors.put("left", Tensor.f64(new long[] {d, k}, eraser.left()));
        tensors.put("right", Tensor.f64(new long[] {d, k}, eraser.right()));
        Map<String, String> meta = Map.of("format", FORMAT, "method", eraser.method(), "sidecar", sidecar.getFileName().toString());
        // temporaries named as AtomicFiles names them (0644, cleaned as stale if a run dies)
        Path tmp = AtomicFiles.newTemporary(target);
        Path tmpSide = AtomicFiles.newTemporary(sidecar);
        try {
            Safetensors.write(tmp, tensors, meta);
            ObjectNode side = JSON.createObjectNode();
            side.put("format", FORMAT);
            side.put("format_version", FORMAT_VERSION);
            side.put("safetensors", target.getFileName().toString());
            side.put("safetensors_sha256", Hashes.sha256(tmp));
            side.put("method", eraser.method());
            side.put("dim", d);
            side.put("rank", k);
            side.set("encoder", ProvenanceJson.object(encoder.toJson()));
            description.fields().forEachRemaining(e -> side.set(e.getKey(), e.getValue()));
            ObjectNode fit = side.has("fit") ? (ObjectNode) side.get("fit") : side.putObject("fit");
            fit.put("dataset_manifest_sha256", datasetSha256);
            ArrayNode ids = fit.putArray("image_ids");
            fittedIds.forEach(ids::add);
            JSON.writeValue(tmpSide.toFile(), side);
            AtomicFiles.moveIntoPlace(tmp, target);
            AtomicFiles.moveIntoPlace(tmpSide, sidecar);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(tmpSide);
        }
    }

    /**
     * Reads an eraser and its sidecar, checking that they belong together and that the tensors have the
     * shapes the sidecar states.
     *
     * @throws EmbeddingFormatException naming the file and what is wrong
     */
    public static EraserFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + ": no such eraser file");
        }
        Path sidecar = EmbeddingSetIO.sidecarOf(file);
        JsonNode side;
        try (InputStream in = Files.newInputStream(sidecar)) {
            side = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new EmbeddingFormatException(file, "its sidecar " + sidecar.getFileName() + " is missing (an eraser is the pair)");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new EmbeddingFormatException(sidecar, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (side == null || !FORMAT.equals(side.path("format").asText())) {
            throw new EmbeddingFormatException(sidecar, "not an eraser sidecar (format is not '" + FORMAT + "')");
        }
        if (side.path("format_version").asInt(-1) != FORMAT_VERSION) {
            throw new EmbeddingFormatException(sidecar, "format_version " + side.path("format_version") + " is not supported (this build reads "
                    + FORMAT_VERSION + ")");
        }
        String sha = Hashes.sha256(file);
        if (!sha.equals(side.path("safetensors_sha256").asText())) {
            throw new EmbeddingFormatException(sidecar, "belongs to a file with sha256 " + side.path("safetensors_sha256").asText() + " but "
                    + file.getFileName() + " has sha256 " + sha);
        }
        int d = side.path("dim").asInt(-1);
        int k = side.path("rank").asInt(-1);
        double[] mean;
        double[] left;
        double[] right;
        try (SafetensorsFile st = Safetensors.open(file)) {
            mean = doubles(st, "mean", file, d);
            left = doubles(st, "left", file, (long) d * k);
            right = doubles(st, "right", file, (long) d * k);
        }
        EncoderIdentity id = EncoderIdentity.fromJson(side.path("encoder"), d);
        List<String> ids = new ArrayList<>();
        side.path("fit").path("image_ids").forEach(n -> ids.add(n.asText()));
        ObjectNode desc = JSON.createObjectNode();
        for (String key : List.of("concepts", "parameters", "inputs", "fit", "rounds", "provenance")) {
            if (side.has(key)) {
                desc.set(key, side.get(key).deepCopy());
            }
        }
        if (desc.has("fit")) {
            ((ObjectNode) desc.get("fit")).remove(List.of("image_ids", "dataset_manifest_sha256"));
        }
        try {
            return new EraserFile(new Eraser(side.path("method").asText(), d, k, mean, left, right), id, ids,
                    side.path("fit").path("dataset_manifest_sha256").asText(""), desc);
        } catch (IllegalArgumentException e) {
            throw new EmbeddingFormatException(file, e.getMessage());
        }
    }

    private static double[] doubles(SafetensorsFile st, String name, Path file, long expected) throws IOException {
        Tensor t = st.read(name);
        if (t.elementCount() != expected || t.dtype() != org.encodertraces.embed.Dtype.F64) {
            throw new EmbeddingFormatException(file, "tensor '" + name + "' is " + t + ", the sidecar implies F64 with " + expected + " values");
        }
        return t.doubles();
    }
}
