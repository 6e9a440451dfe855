package org.encodertraces.encoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.encodertraces.provenance.Hashes;

/**
 * The text tower of an image-text encoder (CLIP, OpenCLIP, SigLIP; the CLIPs {@code traces train
 * --objective clip} writes): an ONNX model from token ids to one embedding per text, and the Hugging
 * Face {@code tokenizer.json} that turns text into its ids, read by DJL's binding of the Hugging Face
 * tokenizers library (its native library ships inside the jar; nothing is downloaded).
 *
 * <p>Each text is tokenized and embedded on its own (a batch of one), so models that pool by the
 * end-of-text position or by the attention mask get the same input either way. A text is padded only
 * to a fixed length: the one {@code tokenizer.json} declares ({@code "padding": {"strategy": {"Fixed":
 * N}}}, with its {@code pad_id}; the CLIPs {@code traces train --objective clip} writes) or the one the
 * model's {@code input_ids} declares; the attention mask is 1 on the text's tokens and 0 on padding, and
 * a text longer than that length is refused. The model's
 * inputs are recognised by name: {@code input_ids} (required), {@code attention_mask} (all ones),
 * {@code token_type_ids} (zeros) and {@code position_ids} (0..L-1), as int64 or int32. The embedding is
 * the output {@code text_embeds} when there is one (the Hub's CLIP exports), else the model's only
 * two-dimensional float output.
 */
public final class TextTower implements AutoCloseable {
    /** The text model's file names looked for beside the vision model, in order. */
    public static final List<String> MODEL_NAMES = List.of("text_model.onnx", "text.onnx");
    /** The tokenizer's file name. */
    public static final String TOKENIZER = "tokenizer.json";
    /** The output preferred as the text embedding. */
    public static final String TEXT_EMBEDS = "text_embeds";

    /** Where a text tower's two files are. */
    public record Files(Path model, Path tokenizer) implements java.io.Serializable {
    }

    private final Files files;
    private final HuggingFaceTokenizer tokenizer;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final String output;
    private final int dim;
    private final Map<String, OnnxJavaType> inputs;
    private final int fixedLength;
    private final long padId;

    private TextTower(Files files, HuggingFaceTokenizer tokenizer, OrtSession session, OrtSession.SessionOptions options, String output,
                      int dim, Map<String, OnnxJavaType> inputs, int fixedLength, long padId) {
        this.fixedLength = fixedLength;
        this.padId = padId;
        this.files = files;
        this.tokenizer = tokenizer;
        this.session = session;
        this.options = options;
        this.output = output;
        this.dim = dim;
        this.inputs = inputs;
    }

    /**
     * The text tower beside a vision model file: {@link #MODEL_NAMES} in the model's folder, and
     * {@code tokenizer.json} there or in the folder above (the Hub's layout puts the ONNX files under
     * {@code onnx/} and the tokenizer at the repository's root). Empty when either is missing.
     */
    public static Optional<Files> beside(Path visionModel) {
        Path dir = visionModel.toAbsolutePath().getParent();
        Path model = null;
        for (String name : MODEL_NAMES) {
            if (java.nio.file.Files.isRegularFile(dir.resolve(name))) {
                model = dir.resolve(name);
                break;
            }
        }
        Path tok = java.nio.file.Files.isRegularFile(dir.resolve(TOKENIZER)) ? dir.resolve(TOKENIZER)
                : dir.getParent() != null && java.nio.file.Files.isRegularFile(dir.getParent().resolve(TOKENIZER)) ? dir.getParent().resolve(TOKENIZER)
                : null;
        return model == null || tok == null ? Optional.empty() : Optional.of(new Files(model, tok));
    }

    /** What {@link #beside} looks for, in words, for an error message. */
    public static String looksFor(Path visionModel) {
        Path dir = visionModel.toAbsolutePath().getParent();
        return String.join(" or ", MODEL_NAMES) + " in " + dir + ", and " + TOKENIZER + " there or in " + dir.getParent();
    }

    /**
     * Opens the tokenizer and the text model.
     *
     * @param threads ONNX Runtime intra-op threads (0 = its default)
     * @throws IOException naming the file when the tokenizer cannot be read or the model has no usable input or output
     */
    public static TextTower open(Files files, int threads) throws IOException {
        HuggingFaceTokenizer tok;
        try {
            // addSpecialTokens: the begin/end-of-text tokens the model was trained with, as tokenizer.json's post-processor says;
            // no truncation (DJL would otherwise cut a text silently at a fixed padding length) and no padding: both are done
            // below, where a text too long is refused rather than scored as a shorter one
            tok = HuggingFaceTokenizer.newInstance(files.tokenizer(), Map.of("addSpecialTokens", "true", "truncation", "false",
                    "padding", "false"));
        } catch (RuntimeException e) {
            throw new IOException(files.tokenizer() + ": not a Hugging Face tokenizer.json the tokenizers library can read: " + e.getMessage(), e);
        }
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            if (threads > 0) {
                so.setIntraOpNumThreads(threads);
            }
            session = OrtEnvironment.getEnvironment().createSession(files.model().toString(), so);
            Map<String, OnnxJavaType> inputs = new LinkedHashMap<>();
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                if (!(e.getValue().getInfo() instanceof TensorInfo ti) || (ti.type != OnnxJavaType.INT64 && ti.type != OnnxJavaType.INT32)) {
                    throw new IOException(files.model() + ": input '" + e.getKey() + "' is not an int64 or int32 tensor; a text tower takes token ids");
                }
                if (!List.of("input_ids", "attention_mask", "token_type_ids", "position_ids").contains(e.getKey())) {
                    throw new IOException(files.model() + ": input '" + e.getKey() + "' is not one a text tower is fed (input_ids,"
                            + " attention_mask, token_type_ids, position_ids)");
                }
                inputs.put(e.getKey(), ti.type);
            }
            if (!inputs.containsKey("input_ids")) {
                throw new IOException(files.model() + ": no input named 'input_ids' (inputs: " + session.getInputNames() + ")");
            }
            String out = null;
            int dim = -1;
            List<String> twoD = new ArrayList<>();
            for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo ti && ti.type == OnnxJavaType.FLOAT && ti.getShape().length == 2) {
                    twoD.add(e.getKey());
                    if (e.getKey().equals(TEXT_EMBEDS)) {
                        out = e.getKey();
                        dim = (int) ti.getShape()[1];
                    }
                }
            }
            if (out == null) {
                if (twoD.size() != 1) {
                    throw new IOException(files.model() + ": no output '" + TEXT_EMBEDS + "' and " + (twoD.isEmpty() ? "no" : twoD.size())
                            + " two-dimensional float outputs " + twoD + " (outputs: " + session.getOutputNames() + "); cannot tell which is the text embedding");
                }
                out = twoD.get(0);
                dim = (int) ((TensorInfo) session.getOutputInfo().get(out).getInfo()).getShape()[1];
            }
            // DJL drops the file's padding unless told; the fixed length the model was trained with is honoured here
            com.fasterxml.jackson.databind.JsonNode padding = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(files.tokenizer().toFile()).path("padding");
            int fileLength = padding.path("strategy").path("Fixed").asInt(0);
            long pad = padding.path("pad_id").asLong(0);
            long[] idsShape = ((TensorInfo) session.getInputInfo().get("input_ids").getInfo()).getShape();
            int modelLength = idsShape.length == 2 && idsShape[1] > 0 ? (int) idsShape[1] : 0;
            if (fileLength > 0 && modelLength > 0 && fileLength != modelLength) {
                throw new IOException(files.tokenizer() + " pads to " + fileLength + " tokens, but " + files.model() + " takes "
                        + modelLength + ": they are not one text tower");
            }
            TextTower t = new TextTower(files, tok, session, so, out, dim, inputs, Math.max(fileLength, modelLength), pad);
            session = null;
            return t;
        } catch (OrtException e) {
            throw new IOException(files.model() + ": ONNX Runtime cannot load it as a text model: " + e.getMessage(), e);
        } finally {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException ignored) {
                    // closing a half-opened session
                }
                so.close();
                tok.close();
            }
        }
    }

    /** The token ids of one text, as the model is fed them (padded to the fixed length, if any). */
    public long[] tokenIds(String text) throws IOException {
        Encoding enc = tokenizer.encode(text);
        if (enc.exceedMaxLength() || enc.getOverflowing().length > 0) {
            throw new IOException(files.tokenizer() + ": the text '" + text + "' was truncated by the tokenizer");
        }
        long[] ids = enc.getIds();
        if (fixedLength == 0) {
            return ids;
        }
        if (ids.length > fixedLength) {
            throw new IOException(files.tokenizer() + ": the text '" + text + "' has " + ids.length + " tokens; the text tower takes at most "
                    + fixedLength + " (shorten the prompt)");
        }
        long[] padded = java.util.Arrays.copyOf(ids, fixedLength);
        java.util.Arrays.fill(padded, ids.length, fixedLength, padId);
        return padded;
    }

    /** How many of a text's fed ids are its own tokens (the rest is padding). */
    private int realTokens(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    /** One embedding per text, as the model outputs it (not normalised); dimension known after the first text when symbolic. */
    public float[][] embed(List<String> texts) throws IOException {
        float[][] out = new float[texts.size()][];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (int i = 0; i < texts.size(); i++) {
            long[] ids = tokenIds(texts.get(i));
            int real = realTokens(texts.get(i));
            if (ids.length == 0) {
                throw new IOException(files.tokenizer() + ": the text '" + texts.get(i) + "' gives no tokens");
            }
            Map<String, OnnxTensor> feed = new HashMap<>();
            try {
                for (Map.Entry<String, OnnxJavaType> in : inputs.entrySet()) {
                    long[] v = new long[ids.length];
                    switch (in.getKey()) {
                        case "input_ids" -> System.arraycopy(ids, 0, v, 0, ids.length);
                        case "attention_mask" -> java.util.Arrays.fill(v, 0, real, 1);
                        case "position_ids" -> {
                            for (int k = 0; k < v.length; k++) {
                                v[k] = k;
                            }
                        }
                        default -> { } // token_type_ids: zeros
                    }
                    long[] shape = {1, v.length};
                    if (in.getValue() == OnnxJavaType.INT64) {
                        feed.put(in.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape));
                    } else {
                        int[] w = new int[v.length];
                        for (int k = 0; k < v.length; k++) {
                            w[k] = Math.toIntExact(v[k]);
                        }
                        feed.put(in.getKey(), OnnxTensor.createTensor(env, IntBuffer.wrap(w), shape));
                    }
                }
                try (OrtSession.Result r = session.run(feed, java.util.Set.of(output))) {
                    float[][] e = (float[][]) r.get(0).getValue();
                    out[i] = e[0];
                }
            } catch (OrtException e) {
                throw new IOException(files.model() + ": running the text model on '" + texts.get(i) + "': " + e.getMessage(), e);
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        }
        return out;
    }

    /** The embedding's dimension as the model declares it (-1 when symbolic). */
    public int dim() {
        return dim;
    }

    /** The length every text is padded to, or 0 when texts are fed as long as they are. */
    public int fixedLength() {
        return fixedLength;
    }

    /** The output read as the text embedding. */
    public String output() {
        return output;
    }

    /** The two files with their sha256, the output read, and the tokenizers library. */
    public Map<String, Object> provenance() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text_model", files.model().toString());
        m.put("text_model_sha256", Hashes.sha256(files.model()));
        m.put("tokenizer", files.tokenizer().toString());
        m.put("tokenizer_sha256", Hashes.sha256(files.tokenizer()));
        m.put("text_output", output);
        if (fixedLength > 0) {
            m.put("fixed_length", fixedLength);
        }
        m.put("tokenizer_library", "DJL Hugging Face tokenizers " + HuggingFaceTokenizer.class.getPackage().getImplementationVersion());
        return m;
    }

    public Files files() {
        return files;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // nothing left to release
        }
        options.close();
        tokenizer.close();
    }
}
