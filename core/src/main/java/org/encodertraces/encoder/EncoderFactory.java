package org.encodertraces.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.encodertraces.encoder.builtin.BuiltinEncoders;
import org.encodertraces.encoder.hub.DownloadProgress;
import org.encodertraces.encoder.hub.FileCheck;
import org.encodertraces.encoder.hub.HubClient;
import org.encodertraces.encoder.hub.HubException;
import org.encodertraces.encoder.hub.HubFile;
import org.encodertraces.encoder.hub.ModelCache;
import org.encodertraces.encoder.onnx.OnnxFileScan;
import org.encodertraces.encoder.onnx.OnnxValueInfo;
import org.encodertraces.encoder.onnx.ProtoFormatException;

/**
 * Turns a parsed {@link ModelRef} into an open {@link Encoder}, in two steps so that every
 * problem shows before any work starts: {@link #prepare} finds the model file (a shared file, a
 * local file, or a Hub file downloaded into the cache with its external data, verified to be an
 * ONNX model with the expected input and, where known, the expected sha256), and {@link #open}
 * opens it with the reference's input, embedding and preprocessing, and a description of
 * itself ({@link Encoder#info()}).
 */
public final class EncoderFactory {
    /**
     * Where to find things and how to run them.
     *
     * @param sharedDir the shared folder
     * @param cache the model cache
     * @param hub the Hub client, or null when offline or when the endpoint is unusable
     * @param hubProblem why there is no Hub client although online (a bad {@code HF_ENDPOINT}), or null
     * @param threads ONNX Runtime intra-op threads
     * @param provider execution provider
     * @param progress download progress per file (the CLI draws a bar)
     * @param spinning whether ONNX Runtime's idle intra-op threads spin-wait (see {@link OnnxEncoderOptions#spinning()})
     */
    public record Settings(Path sharedDir, ModelCache cache, HubClient hub, String hubProblem, int threads,
                           ExecutionProvider provider, Function<String, DownloadProgress> progress, boolean spinning) {
        /** Copies with another progress listener. */
        public Settings withProgress(Function<String, DownloadProgress> p) {
            return new Settings(sharedDir, cache, hub, hubProblem, threads, provider, p, spinning);
        }

        /** Copies with another intra-op thread count and spinning choice (benchmarks compare them). */
        public Settings withRuntime(int intraOpThreads, boolean spin) {
            return new Settings(sharedDir, cache, hub, hubProblem, intraOpThreads, provider, progress, spin);
        }
    }

    /**
     * A model whose file is on this machine and verified, ready to open.
     *
     * @param ref the reference
     * @param file the local ONNX file, or null for a built-in encoder
     */
    public record Prepared(ModelRef ref, Path file) {
    }

    private EncoderFactory() {
    }

    /**
     * Reads the environment settings the CLI passes in: shared folder ({@code TRACES_SHARED}),
     * cache and offline mode, Hub endpoint and token. Never throws for a bad {@code HF_ENDPOINT}:
     * the problem is kept and reported when a Hub file is actually needed, so local models still run.
     */
    public static Settings fromEnvironment(Map<String, String> env, int threads, ExecutionProvider provider) {
        String shared = env.getOrDefault("TRACES_SHARED", "../shared");
        ModelCache cache = ModelCache.fromEnvironment(env, Path.of(System.getProperty("user.home")), System.getProperty("os.name"));
        HubClient hub = null;
        String problem = null;
        if (!cache.offline()) {
            try {
                hub = HubClient.fromEnvironment(env, cache);
            } catch (IllegalArgumentException e) {
                problem = HubClient.ENV_ENDPOINT + "='" + env.get(HubClient.ENV_ENDPOINT) + "' is not usable (" + e.getMessage()
                        + "): set it to an http(s) URL such as " + HubClient.DEFAULT_ENDPOINT + " or unset it";
            }
        }
        return new Settings(Path.of(shared), cache, hub, problem, threads, provider, f -> DownloadProgress.NONE, false);
    }

    /** Opens a model named by the string a user would give {@code --model} (ids, built-ins; files need options). */
    public static Encoder open(String model, Registry registry, Settings settings) throws IOException {
        ModelRef ref = ModelRef.parse(model, FileModelOptions.NONE, registry, settings.sharedDir());
        return open(prepare(ref, settings), settings);
    }

    /** Prepares every reference, in order; the first failure is thrown. */
    public static List<Prepared> prepareAll(List<ModelRef> refs, Settings settings) throws IOException {
        List<Prepared> out = new ArrayList<>();
        for (ModelRef r : refs) {
            out.add(prepare(r, settings));
        }
        return out;
    }

    /**
     * Makes the model file of {@code ref} available locally and checks it.
     *
     * @throws IOException when a shared or local file is missing or not an ONNX model, a download
     *     fails or is refused, or the model exists only as an export recipe (the message gives the
     *     command to run and how to pass its output)
     * @throws IllegalArgumentException when a Hub file is needed and {@code HF_ENDPOINT} is unusable
     */
    public static Prepared prepare(ModelRef ref, Settings settings) throws IOException {
        if (ref instanceof ModelRef.Builtin) {
            return new Prepared(ref, null);
        }
        if (ref instanceof ModelRef.HubWithSpec h) {
            return prepare(h.withSpec(hubSpec(h, settings)), settings);
        }
        ModelRef.Onnx m = (ModelRef.Onnx) ref;
        if (m.recipe() != null) {
            ModelSource.Recipe r = m.recipe();
            ModelSource.PublishedCheckpoint c = r.checkpoint();
            if (c != null && c.url() != null && m.entry() != null && CheckpointModels.forEntry(m.entry()).isPresent()) {
                return new Prepared(ref, urlCheckpoint(m, c, settings));
            }
            throw new IOException("model " + m.text() + " has no published ONNX export of the study's weights: run 'python3 "
                    + r.script() + " " + String.join(" ", r.args()) + " --out DIR' where torch/open_clip/timm are installed,"
                    + " then pass --model DIR/NAME.onnx (its .spec.json beside it is read) or --model " + m.entry().id()
                    + "=DIR/NAME.onnx");
        }
        if (m.localFile() != null) {
            Path p = m.localFile();
            if (!Files.isRegularFile(p)) {
                throw new IOException("model " + m.text() + ": file " + p + " not found"
                        + (m.entry() != null && m.entry().source() instanceof ModelSource.SharedFile ? " (set TRACES_SHARED)" : ""));
            }
            if (m.entry() != null && CheckpointModels.isCheckpointName(p.getFileName().toString())) {
                Path built = CheckpointModels.build(m.entry(), p, settings.cache().root());
                check(built, m);
                return new Prepared(ref, built);
            }
            check(p, m);
            return new Prepared(ref, p);
        }
        HubFile hf = m.hubFile();
        HubClient hub = settings.hub();
        Path file;
        if (m.entry() != null && CheckpointModels.isCheckpointName(hf.path())) {
            return new Prepared(ref, hubCheckpoint(m, hf, settings));
        }
        if (hub == null) {
            if (!settings.cache().offline() && settings.hubProblem() != null && settings.cache().find(hf).isEmpty()) {
                throw new IllegalArgumentException(settings.hubProblem());
            }
            file = verified(settings.cache().require(hf), m, hf);
            for (String ext : externalData(file, m)) {
                settings.cache().require(sibling(hf, ext));
            }
            return new Prepared(ref, file);
        }
        file = hub.download(hf, m.expectedSha256(), settings.progress().apply(hf.toString()), f -> check(f, m));
        for (String ext : externalData(file, m)) {
            HubFile data = sibling(hf, ext);
            hub.download(data, null, settings.progress().apply(data.toString()), FileCheck.NONE);
        }
        return new Prepared(ref, file);
    }

    /**
     * A checkpoint on its authors' server (downloaded with resume into our cache, held to its
     * published sha256 or to the one pinned at its first download; from the cache offline), built
     * into ONNX once.
     */
    private static Path urlCheckpoint(ModelRef.Onnx m, ModelSource.PublishedCheckpoint c, Settings settings) throws IOException {
        java.net.URI url = java.net.URI.create(c.url());
        Path ckpt;
        if (settings.hub() == null) {
            if (!settings.cache().offline() && settings.hubProblem() != null
                    && !Files.isRegularFile(org.encodertraces.encoder.hub.UrlFiles.pathFor(settings.cache(), url))) {
                throw new IllegalArgumentException(settings.hubProblem());
            }
            ckpt = org.encodertraces.encoder.hub.UrlFiles.requireCached(settings.cache(), url, c.sha256());
        } else {
            ckpt = settings.hub().downloadUrl(url, c.sha256(), settings.progress().apply(c.url()));
        }
        Path built = CheckpointModels.build(m.entry(), ckpt, settings.cache().root());
        check(built, m);
        return built;
    }

    /** A checkpoint on the Hub (downloaded, or from the cache offline), built into ONNX once. */
    private static Path hubCheckpoint(ModelRef.Onnx m, HubFile hf, Settings settings) throws IOException {
        Path ckpt;
        if (settings.hub() == null) {
            if (!settings.cache().offline() && settings.hubProblem() != null && settings.cache().find(hf).isEmpty()) {
                throw new IllegalArgumentException(settings.hubProblem());
            }
            ckpt = settings.cache().require(hf);
        } else {
            // the file is checked by reading it when the graph is built (a checkpoint is not ONNX); the Hub's LFS sha256 is verified on download
            ckpt = settings.hub().download(hf, m.expectedSha256(), settings.progress().apply(hf.toString()), FileCheck.NONE);
        }
        Path built = CheckpointModels.build(m.entry(), ckpt, settings.cache().root());
        check(built, m);
        return built;
    }

    private static ExportSpec hubSpec(ModelRef.HubWithSpec h, Settings settings) throws IOException {
        HubFile sf = h.specFile();
        Path as = Path.of(sf.path().substring(sf.path().lastIndexOf('/') + 1));
        try {
            Path p;
            if (settings.hub() == null) {
                if (!settings.cache().offline() && settings.hubProblem() != null && settings.cache().find(sf).isEmpty()) {
                    throw new IllegalArgumentException(settings.hubProblem());
                }
                p = settings.cache().require(sf);
            } else {
                p = settings.hub().download(sf, null, DownloadProgress.NONE, f -> ExportSpec.read(f, as));
            }
            return ExportSpec.read(p, as);
        } catch (HubException e) {
            if (e.reason() == HubException.Reason.NOT_FOUND) {
                throw new ModelRef.BadModelException(h.text(), "a model given by Hub address needs its embedding tensor and"
                        + " preprocessing: pass --output TENSOR and --mean R,G,B --std R,G,B [--size 224 --filter BICUBIC"
                        + " --resize-mode SHORTER_SIDE --pooling NONE], or publish the export recipe's " + as + " beside it (there is"
                        + " none at " + sf + "), or declare it as a registry encoder (ID=" + h.text() + "). No default"
                        + " normalisation is assumed.");
            }
            throw e;
        }
    }

    /** Opens a prepared model. */
    public static Encoder open(Prepared p, Settings settings) {
        if (p.ref() instanceof ModelRef.Builtin b) {
            return BuiltinEncoders.open(b.id());
        }
        ModelRef.Onnx m = (ModelRef.Onnx) p.ref();
        OnnxEncoderOptions o = OnnxEncoderOptions.cpu(p.file(), m.embedding(), m.preprocessing())
                .withIntraOpThreads(settings.threads()).withProvider(settings.provider(), 0).withSpinning(settings.spinning());
        if (m.inputName() != null) {
            o = o.withInputName(m.inputName());
        }
        OnnxEncoder enc = OnnxEncoder.open(o);
        String sha = enc.provenanceRecord().runtime().modelSha256();
        String source = m.hubFile() != null ? "hf:" + m.hubFile()
                : m.localFile() != null && !m.localFile().equals(p.file()) ? "checkpoint " + m.localFile() + " built to " + p.file()
                : "file " + p.file();
        RegistryEntry e = m.entry();
        EncoderDescription d = e == null
                ? new EncoderDescription(m.name(), m.name(), EncoderFamily.OTHER, null, sha,
                        m.preprocessing(), enc.embeddingDim(), source + " (" + m.setupFrom() + ")")
                : new EncoderDescription(m.name(), displayName(m, e), e.family(), e.studyName(), sha,
                        m.preprocessing(), enc.embeddingDim(), source + " (" + m.setupFrom() + ")");
        return new DescribedEncoder(enc, d);
    }

    /**
     * Opens a prepared ONNX model read at several depths in one pass ({@link LayerEncoder}).
     *
     * @param choice {@code [auto]} for every residual block's output, else tensor names
     * @throws IllegalArgumentException for a built-in encoder, which has no graph
     */
    public static LayerEncoder openLayers(Prepared p, Settings settings, List<String> choice) {
        if (!(p.ref() instanceof ModelRef.Onnx m)) {
            throw new IllegalArgumentException("model " + p.ref().name() + " is a built-in encoder: it has no graph to read layers from");
        }
        OnnxEncoderOptions o = OnnxEncoderOptions.cpu(p.file(), m.embedding(), m.preprocessing())
                .withIntraOpThreads(settings.threads()).withProvider(settings.provider(), 0).withSpinning(settings.spinning());
        if (m.inputName() != null) {
            o = o.withInputName(m.inputName());
        }
        LayerEncoder enc = LayerEncoder.open(o, choice);
        String sha = enc.provenanceRecord().runtime().modelSha256();
        String source = (m.hubFile() != null ? "hf:" + m.hubFile() : "file " + p.file()) + " (" + m.setupFrom() + "), at "
                + enc.layers().size() + " depths";
        RegistryEntry e = m.entry();
        return enc.describedAs(e == null
                ? new EncoderDescription(m.name(), m.name(), EncoderFamily.OTHER, null, sha, m.preprocessing(), enc.embeddingDim(), source)
                : new EncoderDescription(m.name(), displayName(m, e), e.family(), e.studyName(), sha, m.preprocessing(),
                        enc.embeddingDim(), source));
    }

    /**
     * Checks that {@code choice} names tensors of this prepared ONNX model (or, for {@code auto}, that it
     * has residual blocks), without a runtime.
     *
     * @throws IllegalArgumentException for a built-in encoder
     * @throws EncoderException naming the file and what is missing
     */
    public static void checkLayers(Prepared p, List<String> choice) throws IOException {
        if (!(p.ref() instanceof ModelRef.Onnx)) {
            throw new IllegalArgumentException("model " + p.ref().name() + " is a built-in encoder: it has no graph to read layers from");
        }
        LayerEncoder.taps(Files.readAllBytes(p.file()), p.file(), choice);
    }

    private static String displayName(ModelRef.Onnx m, RegistryEntry e) {
        String base = e.studyName() != null ? e.studyName() : e.id();
        return m.name().equals(e.id()) ? base : base + " [" + m.name().substring(m.name().indexOf('@') + 1) + "]";
    }

    /** The local model file of a registry entry, downloading Hub files into the cache when needed. */
    public static Path resolve(RegistryEntry e, Settings settings) throws IOException {
        return prepare(ModelRef.of(e, settings.sharedDir()), settings).file();
    }

    private static Path verified(Path p, ModelRef.Onnx m, HubFile hf) throws IOException {
        try {
            check(p, m);
            return p;
        } catch (IOException e) {
            throw new HubException(HubException.Reason.INVALID_CONTENT, "The cached copy of " + hf + " at " + p
                    + " is not usable: " + e.getMessage() + ". Delete the file to download it again.", e);
        }
    }

    /**
     * Checks that {@code file} is an ONNX model with the input the reference feeds.
     *
     * @throws IOException naming the file and the reason
     */
    public static OnnxFileScan check(Path file, ModelRef.Onnx m) throws IOException {
        OnnxFileScan scan;
        try {
            scan = OnnxFileScan.of(file);
        } catch (ProtoFormatException e) {
            String head = firstBytes(file);
            throw new IOException(file + " is not an ONNX model (" + e.getMessage() + ")"
                    + (head.startsWith("<") ? "; it starts like an HTML page: '" + head + "'" : ""), e);
        }
        List<String> inputs = scan.inputNames();
        if (m.inputName() != null) {
            if (!inputs.contains(m.inputName())) {
                throw new IOException(file + ": the model has no input '" + m.inputName() + "' (its inputs: " + inputs + ")"
                        + (m.entry() != null ? "; it is not the export registry entry " + m.entry().id() + " expects" : "; pass --input-name"));
            }
        } else if (inputs.size() != 1) {
            throw new IOException(file + ": the model has " + inputs.size() + " inputs " + inputs + "; pass --input-name");
        }
        OnnxValueInfo in = scan.inputs().stream().filter(v -> m.inputName() == null || v.name().equals(m.inputName())).findFirst().get();
        if (in.elemType() != 0 && in.elemType() != OnnxValueInfo.FLOAT) {
            throw new IOException(file + ": input '" + in.name() + "' is " + in.describe() + "; an image encoder takes a FLOAT tensor");
        }
        int crop = m.preprocessing().cropSize();
        boolean nchw = m.preprocessing().layout() == PreprocessSpec.Layout.NCHW;
        if (in.rank() == 4) {
            long h = in.dims().get(nchw ? 2 : 1);
            long w = in.dims().get(nchw ? 3 : 2);
            long c = in.dims().get(nchw ? 1 : 3);
            if ((h > 0 && h != crop) || (w > 0 && w != crop) || (c > 0 && c != 3)) {
                throw new IOException(file + ": input '" + in.name() + "' is " + in.describe() + " but the preprocessing ("
                        + m.setupFrom() + ") makes " + (nchw ? "[N,3," + crop + "," + crop + "]" : "[N," + crop + "," + crop + ",3]")
                        + (m.entry() == null ? "; pass --size " + Math.max(h, w) : "; it is not the export registry entry "
                        + m.entry().id() + " expects"));
            }
        }
        return scan;
    }

    private static String firstBytes(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(40);
            return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?").trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> externalData(Path file, ModelRef.Onnx m) throws IOException {
        return check(file, m).externalData();
    }

    /**
     * The text tower of a prepared model, for zero-shot readout: for a model file, {@link TextTower#beside}
     * its file; for a Hub model, {@code text_model.onnx} or {@code text.onnx} in the vision model's folder
     * of the same repository and revision, and {@code tokenizer.json} there or in a folder above it up to
     * the repository's root, downloaded into the model cache (or found there when offline).
     *
     * @throws IOException saying what was looked for and where, when the model has no text tower
     */
    public static TextTower.Files textTower(Prepared p, Settings settings) throws IOException {
        if (!(p.ref() instanceof ModelRef.Onnx m)) {
            throw new IOException("model " + p.ref().text() + " is a built-in reference encoder: it has no text tower");
        }
        if (m.hubFile() == null) {
            return TextTower.beside(p.file()).orElseThrow(() -> new IOException("model " + m.text() + " has no text tower: looked for "
                    + TextTower.looksFor(p.file())));
        }
        HubFile hf = m.hubFile();
        List<HubFile> models = new ArrayList<>();
        for (String name : TextTower.MODEL_NAMES) {
            models.add(sibling(hf, name));
        }
        List<HubFile> tokenizers = new ArrayList<>();
        String dir = hf.path().contains("/") ? hf.path().substring(0, hf.path().lastIndexOf('/')) : "";
        while (true) {
            tokenizers.add(new HubFile(hf.repoId(), hf.revision(), (dir.isEmpty() ? "" : dir + "/") + TextTower.TOKENIZER));
            if (dir.isEmpty()) {
                break;
            }
            dir = dir.contains("/") ? dir.substring(0, dir.lastIndexOf('/')) : "";
        }
        Path model = firstOf(models, settings);
        Path tok = firstOf(tokenizers, settings);
        if (model == null || tok == null) {
            throw new IOException("model " + m.text() + " has no text tower on the Hub: looked for " + (model == null ? models : tokenizers)
                    + (settings.hub() == null ? " in the model cache (offline)" : ""));
        }
        return new TextTower.Files(model, tok);
    }

    /** The first of these Hub files that exists (downloaded, or from the cache when offline), or null. */
    private static Path firstOf(List<HubFile> files, Settings settings) throws IOException {
        for (HubFile f : files) {
            if (settings.hub() == null) {
                java.util.Optional<Path> p = settings.cache().find(f);
                if (p.isPresent()) {
                    return p.get();
                }
                continue;
            }
            try {
                return settings.hub().download(f, null, settings.progress().apply(f.toString()), FileCheck.NONE);
            } catch (HubException e) {
                if (e.reason() != HubException.Reason.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return null;
    }

    private static HubFile sibling(HubFile hf, String location) {
        String dir = hf.path().contains("/") ? hf.path().substring(0, hf.path().lastIndexOf('/') + 1) : "";
        return new HubFile(hf.repoId(), hf.revision(), dir + location);
    }
}
