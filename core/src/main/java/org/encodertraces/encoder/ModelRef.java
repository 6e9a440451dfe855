package org.encodertraces.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.encodertraces.encoder.builtin.BuiltinEncoders;
import org.encodertraces.encoder.hub.HubFile;

/**
 * What a user names with {@code --model}, parsed once and checked before any work starts: a
 * built-in encoder ({@code builtin:jpeg-forensic}), a registry id ({@code clip-vit-b32}), an ONNX
 * file with its options or with the {@code .spec.json} the export recipe writes beside it, a file
 * declared as a registry encoder ({@code clip-vit-b32=exports/clip.onnx}: the registry's
 * preprocessing, output and study name apply), or a Hub file
 * ({@code hf:ORG/REPO[@REVISION]/PATH.onnx}, also declarable: {@code id=hf:...}).
 *
 * <p>Every command that takes {@code --model} accepts the same forms through {@link #parse}; the
 * errors say what is wrong and how to fix it (the closest registry ids, the options a file model
 * needs). Nothing downstream inspects model strings.
 *
 * <p>A parsed reference is {@link java.io.Serializable}: a job that runs elsewhere (a Spark
 * executor) gets the reference the driver parsed and checked, with its registry entry, spec-file
 * settings and file options, instead of parsing the command line again where the files and the
 * registry may not be the same.
 */
public sealed interface ModelRef extends java.io.Serializable permits ModelRef.Builtin, ModelRef.Onnx, ModelRef.HubWithSpec {

    /** What the user wrote. */
    String text();

    /** The name used in result rows and file names: letters, digits, {@code . _ - :} and {@code @}. */
    String name();

    /** The name made safe for a file name. */
    default String fileName() {
        return fileSafe(name());
    }

    /** A model name made safe for file names (other characters become {@code _}). */
    static String fileSafe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    /**
     * A built-in encoder that needs no weights.
     *
     * @param text what the user wrote
     * @param id the built-in id
     */
    record Builtin(String text, String id) implements ModelRef {
        @Override
        public String name() {
            return id;
        }
    }

    /**
     * An ONNX model: where its file comes from and how to run it.
     *
     * @param text what the user wrote
     * @param name its name in results
     * @param entry the registry entry it is (or is declared as), or null
     * @param localFile the file on this machine, or null when it comes from the Hub or a recipe
     * @param hubFile the Hub file to download, or null
     * @param expectedSha256 the sha256 the file must have, or null when not known
     * @param recipe the export recipe to run first (a registry entry with no download), or null
     * @param inputName the input to feed, or null for the only input
     * @param embedding the embedding tensor, pooling and normalisation
     * @param preprocessing the preprocessing
     * @param setupFrom where input, embedding and preprocessing come from, for messages and provenance
     */
    record Onnx(String text, String name, RegistryEntry entry, Path localFile, HubFile hubFile, String expectedSha256,
                ModelSource.Recipe recipe, String inputName, EmbeddingSelection embedding, PreprocessSpec preprocessing,
                String setupFrom) implements ModelRef {
        /** Validates: exactly one of file, Hub file and recipe. */
        public Onnx {
            Objects.requireNonNull(embedding, "embedding");
            Objects.requireNonNull(preprocessing, "preprocessing");
            int where = (localFile != null ? 1 : 0) + (hubFile != null ? 1 : 0) + (recipe != null ? 1 : 0);
            if (where != 1) {
                throw new IllegalArgumentException(text + ": exactly one of a file, a Hub file and a recipe");
            }
        }

        /** Serialised as {@link Serialized}: a {@link Path} is not serialisable, its text is. */
        private Object writeReplace() {
            return new Serialized(text, name, entry, localFile == null ? null : localFile.toString(), hubFile, expectedSha256, recipe,
                    inputName, embedding, preprocessing, setupFrom);
        }

        /** The serialised form of an {@link Onnx}: the same components, the local file as its path's text. */
        private record Serialized(String text, String name, RegistryEntry entry, String localFile, HubFile hubFile, String expectedSha256,
                                  ModelSource.Recipe recipe, String inputName, EmbeddingSelection embedding, PreprocessSpec preprocessing,
                                  String setupFrom) implements java.io.Serializable {
            private Object readResolve() {
                return new Onnx(text, name, entry, localFile == null ? null : Path.of(localFile), hubFile, expectedSha256, recipe, inputName,
                        embedding, preprocessing, setupFrom);
            }
        }
    }

    /**
     * A Hub model given with no file-model options: its {@code .spec.json} beside it on the Hub
     * (as the export recipe writes it) says how to run it; {@code EncoderFactory.prepare} fetches it.
     *
     * @param text what the user wrote
     * @param name its name in results
     * @param hubFile the model file
     */
    record HubWithSpec(String text, String name, HubFile hubFile) implements ModelRef {
        /** The spec file beside the model on the Hub. */
        public HubFile specFile() {
            String p = hubFile.path();
            return new HubFile(hubFile.repoId(), hubFile.revision(), p.substring(0, p.length() - 5) + ".spec.json");
        }

        /** The model reference the fetched spec describes. */
        public Onnx withSpec(ExportSpec spec) {
            return (Onnx) fromOptions(text, name, null, hubFile, FileModelOptions.NONE, spec);
        }
    }

    /** Thrown for a {@code --model} value that cannot be used; the message says why and what to do. */
    final class BadModelException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /** An error for {@code text} with the reason. */
        public BadModelException(String text, String reason) {
            super("--model " + text + ": " + reason);
        }
    }

    /** The syntax of a Hub reference: {@code hf:ORG/REPO[@REVISION]/PATH}; a revision is one segment or {@code refs/KIND/NAME}. */
    Pattern HF = Pattern.compile("hf:([^/@]+/[^/@]+)(?:@(refs/[^/]+/[^/]+|[^/]+))?/(.+)");

    /**
     * Parses and checks one {@code --model} value.
     *
     * @param text what the user wrote
     * @param options the file-model options of the command (used for undeclared files and Hub files)
     * @param registry the registry
     * @param sharedDir the shared folder (for the registry's shared files)
     * @throws BadModelException with what is wrong and how to fix it
     */
    static ModelRef parse(String text, FileModelOptions options, Registry registry, Path sharedDir) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new BadModelException("''", "empty; give a registry id (see 'traces models'), builtin:..., FILE.onnx or hf:ORG/REPO/PATH.onnx");
        }
        if (t.startsWith("builtin:")) {
            if (!BuiltinEncoders.IDS.contains(t)) {
                throw new BadModelException(t, "unknown built-in encoder; built-in: " + String.join(", ", BuiltinEncoders.IDS));
            }
            return new Builtin(t, t);
        }
        int eq = t.indexOf('=');
        if (eq > 0 && t.substring(0, eq).matches("[a-z0-9][a-z0-9-]*")) {
            return declared(t, t.substring(0, eq), t.substring(eq + 1), registry);
        }
        if (t.startsWith("hf:")) {
            HubFile hf = hubFile(t, t);
            if (options.output() == null && !options.hasPreprocessing()) {
                return new HubWithSpec(t, hubName(hf), hf);
            }
            return fromOptions(t, hubName(hf), null, hf, options, null);
        }
        if (looksLikeFile(t)) {
            Path file = existingOnnx(t, t);
            ExportSpec spec;
            try {
                spec = ExportSpec.findBesides(file).orElse(null);
            } catch (IOException e) {
                throw new BadModelException(t, e.getMessage());
            }
            if (spec != null && spec.registryId() != null && registry.find(spec.registryId()).isPresent()
                    && !options.hasPreprocessing() && options.output() == null) {
                ModelRef d = declared(t, spec.registryId(), t, registry);
                return d;
            }
            return fromOptions(t, stem(file), file, null, options, spec);
        }
        RegistryEntry e = registry.find(t).orElseThrow(() -> new BadModelException(t, unknownId(t, registry)));
        return fromEntry(t, e.id(), e, sharedDir);
    }

    /** The reference to a registry entry as it is registered. */
    static ModelRef of(RegistryEntry e, Path sharedDir) {
        return fromEntry(e.id(), e.id(), e, sharedDir);
    }

    /**
     * Parses every value, reporting the first bad one.
     *
     * @throws IllegalArgumentException naming the file-model options given when no model is a file
     *     they apply to (registry entries, declared files and built-ins have their own embedding and
     *     preprocessing, so the options would be ignored)
     */
    static List<ModelRef> parseAll(List<String> texts, FileModelOptions options, Registry registry, Path sharedDir) {
        List<ModelRef> refs = texts.stream().map(s -> parse(s, options, registry, sharedDir)).toList();
        if (!options.given().isEmpty() && refs.stream().noneMatch(r -> r instanceof Onnx o && o.entry() == null)) {
            throw new IllegalArgumentException(String.join(", ", options.given()) + " apply only to a model file or Hub address given"
                    + " without a registry id, and would be ignored: " + String.join(", ", texts) + " " + (refs.size() == 1
                    ? "is a registry or built-in encoder, whose" : "are registry or built-in encoders, whose") + " embedding tensor and"
                    + " preprocessing are the registry's; drop those options, or give the file itself (--model FILE.onnx)");
        }
        return refs;
    }

    private static String unknownId(String t, Registry registry) {
        List<String> close = registry.closest(t, 3);
        return "not a registry id, not builtin:..., not an .onnx file and not hf:ORG/REPO/PATH.onnx"
                + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?")
                + " ('traces models' lists the registry)";
    }

    private static ModelRef declared(String t, String id, String target, Registry registry) {
        RegistryEntry e = registry.find(id).orElseThrow(() -> new BadModelException(t, "'" + id + "' before '=' is not a registry id"
                + closeIds(id, registry) + "; the form is ID=FILE.onnx, ID=FILE.safetensors|.pth or ID=hf:ORG/REPO/PATH.onnx"));
        String setup = "registry entry " + e.id() + " (declared)";
        if (target.startsWith("hf:") && CheckpointModels.isCheckpointName(target)) {
            requireBuilder(t, e);
            HubFile hf = hubFile(t, target, true);
            return new Onnx(t, e.id() + "@" + hubName(hf), e, null, hf, null, null, e.inputName(), e.embedding(), e.preprocessing(),
                    "registry entry " + e.id() + " (declared; checkpoint built to ONNX)");
        }
        if (target.startsWith("hf:")) {
            HubFile hf = hubFile(t, target);
            return new Onnx(t, e.id() + "@" + hubName(hf), e, null, hf, null, null, e.inputName(), e.embedding(), e.preprocessing(), setup);
        }
        if (CheckpointModels.isCheckpointName(target)) {
            return declaredCheckpoint(t, e, target);
        }
        Path file = existingOnnx(t, target);
        return new Onnx(t, e.id() + "@" + stem(file), e, file, null, null, null, e.inputName(), e.embedding(), e.preprocessing(), setup);
    }

    /** {@code ID=FILE.safetensors} / {@code ID=FILE.pth}: a checkpoint of the entry's architecture, built into ONNX by {@code EncoderFactory.prepare}. */
    private static void requireBuilder(String t, RegistryEntry e) {
        if (CheckpointModels.forEntry(e).isEmpty()) {
            throw new BadModelException(t, "no Java graph builder for " + e.id() + " (" + e.architecture() + ") yet; checkpoints are built for "
                    + String.join(", ", CheckpointModels.ids()) + ". Export it to ONNX with the recipe ('traces models' shows it) and pass "
                    + e.id() + "=FILE.onnx");
        }
    }

    private static ModelRef declaredCheckpoint(String t, RegistryEntry e, String target) {
        requireBuilder(t, e);
        Path file = Path.of(target);
        if (!Files.isRegularFile(file)) {
            throw new BadModelException(t, "checkpoint file " + file + " not found");
        }
        String n = file.getFileName().toString();
        String stem = n.replaceFirst("(?i)(\\.pth\\.tar|\\.safetensors|\\.pth|\\.pt|\\.bin)$", "");
        return new Onnx(t, e.id() + "@" + stem, e, file, null, null, null, e.inputName(), e.embedding(), e.preprocessing(),
                "registry entry " + e.id() + " (declared; checkpoint built to ONNX)");
    }

    private static String closeIds(String id, Registry registry) {
        List<String> close = registry.closest(id, 3);
        return close.isEmpty() ? "" : " (did you mean " + String.join(", ", close) + "?)";
    }

    private static ModelRef fromEntry(String t, String name, RegistryEntry e, Path sharedDir) {
        ModelSource src = e.source();
        Path local = null;
        HubFile hub = null;
        String sha = null;
        ModelSource.Recipe recipe = null;
        if (src instanceof ModelSource.SharedFile f) {
            local = sharedDir.resolve(f.path());
            sha = f.sha256();
        } else if (src instanceof ModelSource.HubFile h) {
            hub = new HubFile(h.repo(), h.revision(), h.file());
            sha = h.sha256();
        } else {
            recipe = (ModelSource.Recipe) src;
            ModelSource.PublishedCheckpoint c = recipe.checkpoint();
            if (c != null && c.onHub() && CheckpointModels.forEntry(e).isPresent()) {
                // the published checkpoint is built into ONNX by EncoderFactory.prepare; the recipe stays the documented fallback
                return new Onnx(t, name, e, null, new HubFile(c.repo(), c.revision(), c.file()), c.sha256(), null, e.inputName(),
                        e.embedding(), e.preprocessing(), "registry entry " + e.id() + " (published checkpoint built to ONNX)");
            }
        }
        return new Onnx(t, name, e, local, hub, sha, recipe, e.inputName(), e.embedding(), e.preprocessing(), "registry entry " + e.id());
    }

    private static ModelRef fromOptions(String t, String name, Path file, HubFile hub, FileModelOptions o, ExportSpec spec) {
        String output = o.output() != null ? o.output() : spec != null ? spec.output() : null;
        PreprocessSpec ps = o.preprocessing(spec == null ? null : spec.preprocessing());
        if (output == null || ps == null) {
            String missing = output == null && ps == null ? "its embedding tensor and its preprocessing"
                    : output == null ? "its embedding tensor" : "its preprocessing";
            throw new BadModelException(t, "a model given by " + (hub != null ? "Hub address" : "file") + " needs " + missing
                    + ": pass --output TENSOR [--pooling NONE|GLOBAL_AVERAGE|CLS_TOKEN|MEAN_TOKENS] and --mean R,G,B --std R,G,B"
                    + " [--size 224 --filter BICUBIC --resize-mode SHORTER_SIDE]"
                    + (file != null ? ", or put the export recipe's " + ExportSpec.besides(file).getFileName() + " beside it"
                            : ", or publish the export recipe's .spec.json beside it on the Hub")
                    + ", or declare it as a registry encoder (ID=" + (hub != null ? "hf:..." : file.getFileName()) + ")."
                    + " No default normalisation is assumed.");
        }
        Pooling pooling = o.pooling() != null ? o.pooling() : spec != null ? spec.pooling() : Pooling.NONE;
        boolean l2 = o.l2Normalize() != null ? o.l2Normalize() : spec != null && spec.l2Normalize();
        String input = o.inputName() != null ? o.inputName() : spec != null ? spec.inputName() : null;
        String from = spec == null ? "command-line options" : "spec file " + spec.file().getFileName()
                + (o.given().isEmpty() ? "" : " with " + String.join(", ", o.given()));
        return new Onnx(t, name, null, file, hub, spec != null ? spec.sha256() : null, null, input,
                new EmbeddingSelection(output, pooling, l2), ps, from);
    }

    private static boolean looksLikeFile(String t) {
        return t.toLowerCase(Locale.ROOT).endsWith(".onnx") || t.contains("/") || t.contains("\\");
    }

    private static Path existingOnnx(String t, String path) {
        Path file = Path.of(path);
        if (!Files.exists(file)) {
            throw new BadModelException(t, "file " + file + " not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadModelException(t, file + " is not a file (give the .onnx file itself)");
        }
        if (!path.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            throw new BadModelException(t, file + " does not end in .onnx; give an ONNX model file");
        }
        return file;
    }

    private static HubFile hubFile(String t, String ref) {
        return hubFile(t, ref, false);
    }

    private static HubFile hubFile(String t, String ref, boolean checkpoint) {
        Matcher m = HF.matcher(ref);
        if (!m.matches()) {
            throw new BadModelException(t, "a Hub address is hf:ORG/REPO[@REVISION]/PATH.onnx, e.g."
                    + " hf:Xenova/clip-vit-base-patch32/onnx/vision_model.onnx");
        }
        if (!checkpoint && !m.group(3).toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            throw new BadModelException(t, "the Hub path " + m.group(3) + " does not end in .onnx");
        }
        try {
            return new HubFile(m.group(1), m.group(2) == null ? HubFile.DEFAULT_REVISION : m.group(2), m.group(3));
        } catch (IllegalArgumentException e) {
            throw new BadModelException(t, e.getMessage());
        }
    }

    private static String hubName(HubFile hf) {
        String p = hf.path();
        String stem = p.substring(p.lastIndexOf('/') + 1);
        stem = stem.replaceFirst("(?i)(\\.onnx|\\.pth\\.tar|\\.safetensors|\\.pth|\\.pt|\\.bin)$", "");
        return "hf:" + hf.repoId().replace('/', '_') + "_" + stem;
    }

    /**
     * The name of a model file: its stem, except for the generic {@code model.onnx} that
     * {@code traces train} (and many exporters) write into a run folder, which is named after that
     * folder ({@code runs/crop-flip-s0/model.onnx} is {@code crop-flip-s0}), so that two trained
     * models in one embed or audit get sets of their own.
     */
    private static String stem(Path file) {
        String n = file.getFileName().toString();
        String stem = n.substring(0, n.length() - 5);
        if (stem.equals("model")) {
            Path parent = file.toAbsolutePath().normalize().getParent();
            if (parent != null && parent.getFileName() != null) {
                String folder = parent.getFileName().toString().replaceAll("[^A-Za-z0-9._@-]+", "_");
                if (!folder.isEmpty() && !folder.matches("[._]+")) {
                    return folder;
                }
            }
        }
        return stem;
    }
}
