package org.encodertraces.encoder;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.encodertraces.io.JsonErrors;

/**
 * The {@code .spec.json} that {@code tools/export-onnx/export_onnx.py} writes beside an exported
 * model: its preprocessing, input, embedding tensor and pooling. Read automatically when a
 * {@code FILE.onnx} is given with a {@code FILE.spec.json} beside it, so a recipe's output runs
 * with no extra flags.
 *
 * @param file the spec file
 * @param preprocessing the preprocessing the export declares
 * @param inputName the input to feed (the recipe's is {@code pixel_values})
 * @param output the embedding tensor (the recipe's is {@code embedding})
 * @param pooling pooling of that tensor
 * @param l2Normalize whether embeddings are L2-normalised after pooling
 * @param embeddingDim the embedding length the export measured, or null
 * @param sha256 the sha256 of the exported .onnx, or null
 * @param registryId the registry id the export is of, or null
 */
public record ExportSpec(Path file, PreprocessSpec preprocessing, String inputName, String output, Pooling pooling,
                         boolean l2Normalize, Integer embeddingDim, String sha256, String registryId) {

    /** The spec file that belongs to {@code model}: the same name with {@code .spec.json} for {@code .onnx}. */
    public static Path besides(Path model) {
        String name = model.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return model.resolveSibling(stem + ".spec.json");
    }

    /** The spec beside {@code model}, if there is one. */
    public static Optional<ExportSpec> findBesides(Path model) throws IOException {
        Path p = besides(model);
        return Files.isRegularFile(p) ? Optional.of(read(p)) : Optional.empty();
    }

    /**
     * Reads a spec file.
     *
     * @throws IOException naming the file and the field when it is not a valid spec
     */
    public static ExportSpec read(Path file) throws IOException {
        return read(file, file);
    }

    /**
     * Reads a spec file, naming it {@code as} in the record and in messages (a cached Hub copy
     * is named by its Hub address's file name).
     *
     * @throws IOException naming the file and the field when it is not a valid spec
     */
    public static ExportSpec read(Path file, Path as) throws IOException {
        ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(as + ": not a JSON spec file: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.has("preprocessing")) {
            throw new IOException(as + ": not an export spec (no \"preprocessing\" object; see tools/export-onnx/export_onnx.py)");
        }
        PreprocessSpec ps;
        try {
            ps = mapper.treeToValue(root.get("preprocessing"), PreprocessSpec.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(as + ": invalid export spec: " + JsonErrors.describe(e, root, "preprocessing"), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(as + ": invalid export spec: field 'preprocessing': " + e.getMessage(), e);
        }
        JsonNode poolingNode = root.get("pooling");
        Pooling pooling;
        try {
            pooling = poolingNode == null || poolingNode.isNull() ? Pooling.NONE : Pooling.valueOf(poolingNode.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException(as + ": invalid export spec: field 'pooling' is " + poolingNode + ", not one of "
                    + java.util.Arrays.toString(Pooling.values()), e);
        }
        JsonNode l2 = root.get("l2Normalize");
        if (l2 != null && !l2.isNull() && !l2.isBoolean()) {
            throw new IOException(as + ": invalid export spec: field 'l2Normalize' is " + l2 + ", not true or false");
        }
        JsonNode dim = root.get("embeddingDim");
        if (dim != null && !dim.isNull() && !(dim.isIntegralNumber() && dim.canConvertToInt() && dim.asInt() > 0)) {
            throw new IOException(as + ": invalid export spec: field 'embeddingDim' is " + dim + ", not a positive whole number");
        }
        return new ExportSpec(as, ps, text(root, "inputName", "pixel_values"), text(root, "output", "embedding"), pooling,
                l2 != null && l2.asBoolean(false), dim == null || dim.isNull() ? null : dim.asInt(),
                text(root, "sha256", null), text(root, "registryId", null));
    }

    private static String text(JsonNode root, String field, String fallback) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() || n.asText().isBlank() ? fallback : n.asText();
    }
}
