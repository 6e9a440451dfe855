package org.encodertraces.encoder;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.encodertraces.encoder.onnx.OnnxGraphInfo;
import org.encodertraces.encoder.onnx.OnnxModelEditor;
import org.encodertraces.encoder.onnx.OnnxValueInfo;
import org.encodertraces.encoder.onnx.ProtoFormatException;
import org.encodertraces.provenance.Platform;

/**
 * An {@link Encoder} backed by an ONNX Runtime session. Opening checks the model against the
 * preprocessing spec before any image is read (input rank, dtype, channels, fixed size) and
 * promotes an intermediate embedding tensor to a graph output by editing the model bytes when
 * the model does not expose it. Runs on CPU by default, on CUDA when asked and available.
 */
public final class OnnxEncoder implements Encoder {
    /** At most this many intermediate tensor names are listed in an error message. */
    private static final int MAX_LISTED_NAMES = 100;

    private final OnnxEncoderOptions options;
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions sessionOptions;
    private final OrtSession session;
    private final String inputName;
    private final long fixedBatch;
    private final int embeddingDim;
    private final EncoderProvenance provenance;

    private OnnxEncoder(OnnxEncoderOptions options, OrtEnvironment env, OrtSession.SessionOptions sessionOptions,
                        OrtSession session, String inputName, long fixedBatch, int embeddingDim,
                        EncoderProvenance provenance) {
        this.options = options;
        this.env = env;
        this.sessionOptions = sessionOptions;
        this.session = session;
        this.inputName = inputName;
        this.fixedBatch = fixedBatch;
        this.embeddingDim = embeddingDim;
        this.provenance = provenance;
    }

    /**
     * Reads what a model file declares about its graph, without creating a session.
     *
     * @throws EncoderException when the file cannot be read or is not an ONNX model
     */
    public static OnnxGraphInfo inspect(Path modelFile) {
        return parse(modelFile, readModel(modelFile));
    }

    /**
     * Opens a model as an encoder, validating it first.
     *
     * @throws EncoderException naming the model file and the reason when the file is missing or
     *     corrupt, the input does not fit the spec, the embedding tensor is unknown, or the
     *     execution provider is unavailable
     */
    public static OnnxEncoder open(OnnxEncoderOptions options) {
        return open(options, null);
    }

    /**
     * Opens a model as {@link #open(OnnxEncoderOptions)} does, with its bytes edited by {@code edit}
     * before the session is created (more outputs for {@link #run}, say); the provenance names the
     * file as it is on disk.
     *
     * @param edit the edit of the model bytes (after the embedding tensor is promoted), or null for none
     */
    public static OnnxEncoder open(OnnxEncoderOptions options, java.util.function.UnaryOperator<byte[]> edit) {
        Path file = options.modelFile();
        byte[] model = readModel(file);
        String sha256 = sha256(model);
        OnnxGraphInfo graph = parse(file, model);
        OnnxValueInfo input = selectInput(file, graph, options.inputName());
        checkInput(file, input, options.preprocessing());

        EmbeddingSelection sel = options.embedding();
        if (sel.tensor().startsWith(OnnxGraphInfo.CLASSIFIER_INPUT)) {
            String logits = sel.tensor().substring(OnnxGraphInfo.CLASSIFIER_INPUT.length());
            try {
                sel = new EmbeddingSelection(OnnxGraphInfo.classifierInput(model, logits), sel.pooling(), sel.l2Normalize());
            } catch (IllegalArgumentException | ProtoFormatException e) {
                throw new EncoderException("model file " + file + ": cannot find the pre-logits tensor: " + e.getMessage(), e);
            }
            options = new OnnxEncoderOptions(options.modelFile(), options.inputName(), sel, options.preprocessing(),
                    options.provider(), options.deviceId(), options.intraOpThreads(), options.spinning());
        }
        byte[] sessionBytes = null;
        if (!graph.isOutput(sel.tensor())) {
            if (!graph.isNodeOutput(sel.tensor())) {
                throw new EncoderException(unknownTensorMessage(file, graph, sel.tensor()));
            }
            OnnxValueInfo declared = graph.valueInfo().get(sel.tensor());
            int elemType = declared == null || declared.elemType() == 0 ? OnnxValueInfo.FLOAT : declared.elemType();
            if (elemType != OnnxValueInfo.FLOAT) {
                throw new EncoderException("model file " + file + ": tensor '" + sel.tensor() + "' is "
                        + OnnxValueInfo.elemTypeName(elemType) + ", an embedding must be FLOAT");
            }
            sessionBytes = OnnxModelEditor.appendOutput(model, sel.tensor(), elemType);
        }
        if (edit != null) {
            try {
                sessionBytes = edit.apply(sessionBytes != null ? sessionBytes : model);
            } catch (IllegalArgumentException | ProtoFormatException e) {
                throw new EncoderException("model file " + file + ": " + e.getMessage(), e);
            }
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            // Spinning idle threads hold their cores between operators and batches, which the
            // extraction's decode workers need on the same cores; sleeping costs a wake-up only.
            so.addConfigEntry("session.intra_op.allow_spinning", options.spinning() ? "1" : "0");
            so.addConfigEntry("session.inter_op.allow_spinning", options.spinning() ? "1" : "0");
            if (options.provider() == ExecutionProvider.CUDA) {
                if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                    throw new EncoderException("model file " + file + ": CUDA execution requested but this ONNX Runtime"
                            + " build has no CUDA provider (available: " + OrtEnvironment.getAvailableProviders()
                            + "); build with the Maven profile 'gpu' (artifact onnxruntime_gpu) or use CPU");
                }
                try {
                    so.addCUDA(options.deviceId());
                } catch (OrtException e) {
                    throw new EncoderException("model file " + file + ": CUDA execution provider failed to start on device "
                            + options.deviceId() + " (CUDA/cuDNN libraries or GPU missing?): " + e.getMessage(), e);
                }
            }
            if (sessionBytes != null) {
                // an edited model runs from bytes; its external data (a model past 2 GB) lies beside the file
                Path folder = file.toAbsolutePath().getParent();
                so.addConfigEntry("session.model_external_initializers_file_folder_path", folder.toString());
            }
            session = sessionBytes != null ? env.createSession(sessionBytes, so) : env.createSession(file.toString(), so);
            long fixedBatch = checkSession(file, session, input.name(), sel, options.preprocessing());
            int dim = embeddingDimFromInfo(session, sel);
            EncoderProvenance prov = new EncoderProvenance(new EncoderProvenance.Runtime(env.getVersion(), options.provider(),
                    options.provider() == ExecutionProvider.CUDA ? options.deviceId() : null, options.intraOpThreads(),
                    String.valueOf(file.getFileName()), sha256, sessionBytes != null ? sel.tensor() : null, input.name(), sel),
                    null, dim, options.preprocessing(), Platform.current(), null);
            OnnxEncoder encoder = new OnnxEncoder(options, env, so, session, input.name(), fixedBatch, dim, prov);
            if (dim < 0) {
                // Shape not fully declared: run one zero image to learn the embedding length.
                float[][] probe = encoder.embedUnchecked(new FloatTensorBatch(options.preprocessing().tensorShape(1),
                        new float[3 * options.preprocessing().cropSize() * options.preprocessing().cropSize()]));
                encoder = new OnnxEncoder(options, env, so, session, input.name(), fixedBatch, probe[0].length,
                        prov.withEmbeddingDim(probe[0].length));
            }
            return encoder;
        } catch (OrtException e) {
            closeQuietly(session, so);
            throw new EncoderException("model file " + file + ": ONNX Runtime could not load or run it: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session, so);
            throw e;
        }
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions so) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // the original failure is the one worth reporting
            }
        }
        so.close();
    }

    private static byte[] readModel(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new EncoderException("model file " + file + ": not found", e);
        } catch (IOException | OutOfMemoryError e) {
            throw new EncoderException("model file " + file + ": cannot be read: " + e, e);
        }
    }

    private static OnnxGraphInfo parse(Path file, byte[] model) {
        try {
            return OnnxGraphInfo.read(model);
        } catch (ProtoFormatException e) {
            throw new EncoderException("model file " + file + ": not a valid ONNX model: " + e.getMessage(), e);
        }
    }

    private static String sha256(byte[] bytes) {
        return org.encodertraces.provenance.Hashes.sha256(bytes);
    }

    private static OnnxValueInfo selectInput(Path file, OnnxGraphInfo graph, String name) {
        List<String> names = graph.inputs().stream().map(OnnxValueInfo::name).toList();
        if (name == null) {
            if (graph.inputs().size() != 1) {
                throw new EncoderException("model file " + file + ": has " + names.size() + " inputs " + names
                        + "; name the image input");
            }
            return graph.inputs().get(0);
        }
        return graph.inputs().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow(() ->
                new EncoderException("model file " + file + ": no input named '" + name + "'; inputs are " + names));
    }

    /**
     * Checks a declared input against a preprocessing spec: float32, rank 4, three channels
     * where the layout puts them, and a fixed height/width (if any) equal to the crop size.
     *
     * @throws EncoderException naming the file and every problem found
     */
    public static void checkInput(Path file, OnnxValueInfo input, PreprocessSpec spec) {
        List<String> problems = new ArrayList<>();
        if (input.elemType() != 0 && input.elemType() != OnnxValueInfo.FLOAT) {
            problems.add("dtype is " + OnnxValueInfo.elemTypeName(input.elemType()) + ", expected FLOAT");
        }
        if (input.shapeKnown()) {
            List<Long> d = input.dims();
            problems.addAll(shapeProblems(d.stream().mapToLong(Long::longValue).toArray(), spec));
        }
        if (!problems.isEmpty()) {
            throw new EncoderException("model file " + file + ": input '" + input.name() + "' " + input.describe()
                    + " does not fit the preprocessing (" + spec.layout() + " 3x" + spec.cropSize() + "x"
                    + spec.cropSize() + "): " + String.join("; ", problems));
        }
    }

    private static List<String> shapeProblems(long[] d, PreprocessSpec spec) {
        List<String> problems = new ArrayList<>();
        if (d.length != 4) {
            problems.add("rank is " + d.length + ", expected 4 (" + spec.layout() + ")");
            return problems;
        }
        boolean nchw = spec.layout() == PreprocessSpec.Layout.NCHW;
        long c = nchw ? d[1] : d[3];
        long h = nchw ? d[2] : d[1];
        long w = nchw ? d[3] : d[2];
        if (c >= 0 && c != 3) {
            problems.add("has " + c + " channels at the " + spec.layout() + " channel axis, expected 3");
        }
        if ((h >= 0 && h != spec.cropSize()) || (w >= 0 && w != spec.cropSize())) {
            problems.add("fixed size " + (h < 0 ? "?" : h) + "x" + (w < 0 ? "?" : w) + " conflicts with crop size "
                    + spec.cropSize());
        }
        return problems;
    }

    private static String unknownTensorMessage(Path file, OnnxGraphInfo graph, String name) {
        List<String> inner = new ArrayList<>(graph.nodeOutputs());
        inner.removeAll(graph.outputNames());
        String listed = inner.size() <= MAX_LISTED_NAMES ? inner.toString()
                : inner.subList(0, MAX_LISTED_NAMES) + " and " + (inner.size() - MAX_LISTED_NAMES) + " more";
        return "model file " + file + ": no tensor named '" + name + "'; graph outputs are " + graph.outputNames()
                + "; intermediate tensors are " + listed;
    }

    /** Re-checks what the runtime reports; returns the fixed batch size or -1. */
    private static long checkSession(Path file, OrtSession session, String input, EmbeddingSelection sel,
                                     PreprocessSpec spec) throws OrtException {
        NodeInfo in = session.getInputInfo().get(input);
        if (in == null || !(in.getInfo() instanceof TensorInfo ti)) {
            throw new EncoderException("model file " + file + ": ONNX Runtime reports no tensor input '" + input + "'");
        }
        if (ti.type != OnnxJavaType.FLOAT) {
            throw new EncoderException("model file " + file + ": input '" + input + "' has dtype " + ti.type
                    + ", expected FLOAT");
        }
        List<String> problems = shapeProblems(ti.getShape(), spec);
        if (!problems.isEmpty()) {
            throw new EncoderException("model file " + file + ": input '" + input + "' "
                    + Arrays.toString(ti.getShape()) + " does not fit the preprocessing: " + String.join("; ", problems));
        }
        NodeInfo out = session.getOutputInfo().get(sel.tensor());
        if (out == null || !(out.getInfo() instanceof TensorInfo oi)) {
            throw new EncoderException("model file " + file + ": ONNX Runtime reports no tensor output '"
                    + sel.tensor() + "'; outputs are " + session.getOutputNames());
        }
        if (oi.type != OnnxJavaType.FLOAT) {
            throw new EncoderException("model file " + file + ": output '" + sel.tensor() + "' has dtype " + oi.type
                    + ", an embedding must be FLOAT");
        }
        long[] os = oi.getShape();
        String rank = os.length == 0 ? null : sel.pooling().rankProblem(os.length); // length 0: rank not known
        if (rank != null) {
            throw new EncoderException("model file " + file + ": output '" + sel.tensor() + "' "
                    + Arrays.toString(os) + ": " + rank);
        }
        long b = ti.getShape()[0];
        return b > 0 ? b : -1;
    }

    private static int embeddingDimFromInfo(OrtSession session, EmbeddingSelection sel) throws OrtException {
        ValueInfo info = session.getOutputInfo().get(sel.tensor()).getInfo();
        long[] shape = ((TensorInfo) info).getShape();
        if (shape.length == 0) {
            return -1; // rank unknown to the runtime (an appended output without a declared shape)
        }
        long d = sel.pooling().outputDim(shape);
        return d > 0 && d <= Integer.MAX_VALUE ? (int) d : -1;
    }

    @Override
    public float[][] embed(FloatTensorBatch batch) {
        checkBatch(batch);
        float[][] rows = embedUnchecked(batch);
        for (float[] r : rows) {
            if (r.length != embeddingDim) {
                throw new EncoderException("model file " + options.modelFile() + ": embedding length " + r.length
                        + " differs from " + embeddingDim);
            }
        }
        return rows;
    }

    private float[][] embedUnchecked(FloatTensorBatch batch) {
        OutputTensor t = run(batch, List.of(options.embedding().tensor())).get(options.embedding().tensor());
        float[][] rows;
        try {
            rows = options.embedding().pooling().apply(t.data(), t.shape());
        } catch (IllegalArgumentException e) {
            throw new EncoderException("model file " + options.modelFile() + ": output '" + t.name() + "': "
                    + e.getMessage(), e);
        }
        if (options.embedding().l2Normalize()) {
            Pooling.l2NormalizeRows(rows);
        }
        return rows;
    }

    private void checkBatch(FloatTensorBatch batch) {
        long[] expected = options.preprocessing().tensorShape(batch.batchSize());
        if (!Arrays.equals(expected, batch.shape())) {
            throw new IllegalArgumentException("batch shape " + Arrays.toString(batch.shape()) + " does not match "
                    + Arrays.toString(expected) + " required by the preprocessing of " + options.modelFile().getFileName());
        }
    }

    /**
     * Runs the model and fetches the named graph outputs as raw float tensors (an appended
     * embedding tensor counts as an output). A model with a fixed batch size of 1 is run image
     * by image and the results concatenated.
     *
     * @throws EncoderException when the runtime fails or an output is not a float tensor
     */
    public Map<String, OutputTensor> run(FloatTensorBatch batch, Collection<String> outputNames) {
        Set<String> names = new LinkedHashSet<>(outputNames);
        if (fixedBatch == 1 && batch.batchSize() > 1) {
            List<Map<String, OutputTensor>> parts = new ArrayList<>();
            for (int i = 0; i < batch.batchSize(); i++) {
                parts.add(runOnce(batch.item(i), names));
            }
            Map<String, OutputTensor> joined = new LinkedHashMap<>();
            for (String n : names) {
                List<float[]> datas = parts.stream().map(p -> p.get(n).data()).toList();
                float[] all = new float[datas.stream().mapToInt(a -> a.length).sum()];
                int off = 0;
                for (float[] a : datas) {
                    System.arraycopy(a, 0, all, off, a.length);
                    off += a.length;
                }
                long[] shape = parts.get(0).get(n).shape().clone();
                shape[0] = batch.batchSize();
                joined.put(n, new OutputTensor(n, shape, all));
            }
            return joined;
        }
        return runOnce(batch, names);
    }

    private Map<String, OutputTensor> runOnce(FloatTensorBatch batch, Set<String> names) {
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.data()), batch.shape());
             OrtSession.Result result = session.run(Map.of(inputName, input), names)) {
            Map<String, OutputTensor> out = new LinkedHashMap<>();
            for (String n : names) {
                Optional<OnnxValue> v = result.get(n);
                if (v.isEmpty() || !(v.get() instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
                    throw new EncoderException("model file " + options.modelFile() + ": output '" + n
                            + "' is not a float tensor");
                }
                long[] shape = t.getInfo().getShape();
                checkRows(n, shape, batch.batchSize());
                FloatBuffer fb = t.getFloatBuffer();
                float[] data = new float[fb.remaining()];
                fb.get(data);
                out.put(n, new OutputTensor(n, shape, data));
            }
            return out;
        } catch (OrtException e) {
            throw new EncoderException("model file " + options.modelFile() + ": inference failed: " + e.getMessage(), e);
        }
    }

    /**
     * Every output must hold one row per input image, batch dimension first: a model that returns
     * one row more (each embedding would land on the next image) or one row whatever the batch is
     * refused on every run, not trusted.
     */
    private void checkRows(String output, long[] shape, int images) {
        if (shape.length == 0 || shape[0] != images) {
            throw new EncoderException("model file " + options.modelFile() + ": output '" + output + "' has "
                    + (shape.length == 0 ? "no batch dimension (a scalar)" : shape[0] + (shape[0] == 1 ? " row" : " rows"))
                    + " for a batch of " + images + (images == 1 ? " image" : " images") + " (shape " + Arrays.toString(shape)
                    + "): a model's outputs must have one row per input image, batch dimension first");
        }
    }

    /** Names of the outputs the session can fetch (the graph outputs plus any appended one). */
    public Set<String> outputNames() {
        return session.getOutputNames();
    }

    @Override
    public PreprocessSpec preprocessing() {
        return options.preprocessing();
    }

    @Override
    public int embeddingDim() {
        return embeddingDim;
    }

    @Override
    public EncoderProvenance provenanceRecord() {
        return provenance;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new EncoderException("model file " + options.modelFile() + ": closing the session failed", e);
        } finally {
            sessionOptions.close();
        }
    }
}
