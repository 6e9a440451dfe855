package org.encodertraces.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.encodertraces.encoder.onnx.OnnxLayers;
import org.encodertraces.encoder.onnx.ProtoFormatException;

/**
 * An ONNX encoder read at several depths in one pass: the intermediate tensors (every residual
 * block's output with {@code auto}, or tensors named by the user) are made graph outputs, each
 * image runs through the graph once, and each tensor is pooled the way the encoder pools (global
 * average over a feature map [N,C,H,W]; over a token sequence [N,T,D] the encoder's own token pooling,
 * the class token when the encoder takes a pooled output; a vector as it is). The encoder's own
 * embedding is always the last depth. The rows it returns are the depths' vectors side by side, so
 * one embedding set holds every depth and {@link #layers()} says which columns are which.
 */
public final class LayerEncoder implements Encoder {
    /** The choice that reads every residual block's output. */
    public static final String AUTO = "auto";

    /**
     * One depth.
     *
     * @param depth 1 for the first, in graph order; the encoder's embedding is the last
     * @param name the tensor as the graph names it ({@code embedding (T)} for the encoder's own, T its tensor)
     * @param pooling how its tensor became a vector
     * @param offset its first column in the rows
     * @param dim its width
     */
    public record Layer(int depth, String name, Pooling pooling, int offset, int dim) {
    }

    private final OnnxEncoder inner;
    private final List<OnnxLayers.Tap> taps;
    private final List<Pooling> poolings;
    private final List<Layer> layers;
    private final EmbeddingSelection own;
    private final int dim;
    private final EncoderProvenance provenance;
    private final String choiceKey;
    private EncoderDescription info;

    private LayerEncoder(OnnxEncoder inner, List<OnnxLayers.Tap> taps, List<Pooling> poolings, List<Layer> layers,
                         EmbeddingSelection own, EncoderProvenance provenance, String choiceKey) {
        this.choiceKey = choiceKey;
        this.inner = inner;
        this.taps = taps;
        this.poolings = poolings;
        this.layers = List.copyOf(layers);
        this.own = own;
        this.dim = layers.stream().mapToInt(Layer::dim).sum();
        this.provenance = provenance;
    }

    /**
     * Opens the model with the chosen depths exposed.
     *
     * @param choice {@code [auto]} for every residual block's output, else tensor names
     * @throws EncoderException naming the model file: no residual block found, a name no node
     *     produces, a tensor that cannot be pooled, or what {@link OnnxEncoder#open} refuses
     */
    public static LayerEncoder open(OnnxEncoderOptions options, List<String> choice) {
        byte[] model;
        try {
            model = Files.readAllBytes(options.modelFile());
        } catch (IOException e) {
            throw new EncoderException("model file " + options.modelFile() + ": cannot be read: " + e, e);
        }
        List<OnnxLayers.Tap> taps = taps(model, options.modelFile(), choice);
        List<OnnxLayers.Tap> exposed = taps;
        OnnxEncoder enc = OnnxEncoder.open(options, bytes -> OnnxLayers.expose(bytes, exposed));
        try {
            EmbeddingSelection own = enc.provenanceRecord().runtime().embedding();
            PreprocessSpec pre = options.preprocessing();
            long[] shape = pre.tensorShape(1);
            FloatTensorBatch zero = new FloatTensorBatch(shape, new float[(int) (shape[1] * shape[2] * shape[3])]);
            Map<String, OutputTensor> out = enc.run(zero, names(taps, own));
            List<Pooling> poolings = new ArrayList<>();
            List<Layer> layers = new ArrayList<>();
            int offset = 0;
            for (int i = 0; i < taps.size(); i++) {
                OutputTensor t = out.get(taps.get(i).output());
                Pooling p = poolingFor(t.shape().length, own.pooling());
                if (p == null) {
                    throw new EncoderException("model file " + options.modelFile() + ": tensor '" + taps.get(i).tensor() + "' has shape "
                            + java.util.Arrays.toString(t.shape()) + ", which is neither a feature map, a token sequence nor a vector");
                }
                int d = p.apply(t.data(), t.shape())[0].length;
                poolings.add(p);
                layers.add(new Layer(i + 1, taps.get(i).tensor(), p, offset, d));
                offset += d;
            }
            layers.add(new Layer(taps.size() + 1, "embedding (" + own.tensor() + ")", own.pooling(), offset, enc.embeddingDim()));
            EncoderProvenance base = enc.provenanceRecord();
            EncoderProvenance.Runtime r = base.runtime();
            String described = "layers: " + String.join(", ", layers.stream().map(l -> l.name() + " " + l.pooling() + " " + l.dim()).toList());
            EncoderProvenance.Runtime rt = new EncoderProvenance.Runtime(r.version(), r.provider(), r.cudaDevice(), r.intraOpThreads(),
                    r.modelFile(), r.modelSha256(), "layers", r.inputName(), new EmbeddingSelection(described, Pooling.NONE, false));
            int total = layers.stream().mapToInt(Layer::dim).sum();
            EncoderProvenance prov = new EncoderProvenance(rt, null, total, base.preprocessing(), base.platform(), base.description());
            boolean auto = choice.size() == 1 && choice.get(0).equals(AUTO);
            String key = auto ? "" : "-" + org.encodertraces.provenance.Hashes.sha256(String.join("\n", choice)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 8);
            return new LayerEncoder(enc, taps, poolings, layers, own, prov, key);
        } catch (RuntimeException e) {
            enc.close();
            throw e;
        }
    }

    /**
     * The tensors {@code choice} reads from this model, checked without a runtime (so a bad choice is
     * refused before any work).
     *
     * @throws EncoderException naming the file: {@code auto} finds no residual block, or no node produces a named tensor
     */
    public static List<OnnxLayers.Tap> taps(byte[] model, java.nio.file.Path file, List<String> choice) {
        try {
            if (choice.size() == 1 && choice.get(0).equals(AUTO)) {
                List<OnnxLayers.Tap> taps = OnnxLayers.residualBlocks(model);
                if (taps.isEmpty()) {
                    throw new EncoderException("model file " + file + ": --layers auto found no residual block (an Add of"
                            + " a block's input and a branch with a weighted layer); name the tensors to read with --layers NAME,...");
                }
                return taps;
            }
            return OnnxLayers.named(model, choice);
        } catch (IllegalArgumentException | ProtoFormatException e) {
            throw new EncoderException("model file " + file + ": --layers: " + e.getMessage(), e);
        }
    }

    /** Feature maps by global average, token sequences by the encoder's token pooling (else the class token), vectors as they are. */
    static Pooling poolingFor(int rank, Pooling own) {
        return switch (rank) {
            case 2 -> Pooling.NONE;
            case 3 -> own == Pooling.MEAN_TOKENS ? Pooling.MEAN_TOKENS : Pooling.CLS_TOKEN;
            case 4 -> Pooling.GLOBAL_AVERAGE;
            default -> null;
        };
    }

    private static List<String> names(List<OnnxLayers.Tap> taps, EmbeddingSelection own) {
        Set<String> n = new LinkedHashSet<>();
        taps.forEach(t -> n.add(t.output()));
        n.add(own.tensor());
        return new ArrayList<>(n);
    }

    /**
     * "" when every residual block is read ({@code auto}), else "-" and 8 hex digits of the names'
     * sha256: what tells apart the embedding sets of different choices of the same model.
     */
    public String choiceKey() {
        return choiceKey;
    }

    /** The depths, in order, with their columns. */
    public List<Layer> layers() {
        return layers;
    }

    @Override
    public float[][] embed(FloatTensorBatch batch) {
        Map<String, OutputTensor> out = inner.run(batch, names(taps, own));
        int n = batch.batchSize();
        float[][] rows = new float[n][dim];
        for (int i = 0; i < taps.size(); i++) {
            OutputTensor t = out.get(taps.get(i).output());
            float[][] pooled = poolings.get(i).apply(t.data(), t.shape());
            copy(pooled, rows, layers.get(i));
        }
        OutputTensor t = out.get(own.tensor());
        float[][] pooled = own.pooling().apply(t.data(), t.shape());
        if (own.l2Normalize()) {
            Pooling.l2NormalizeRows(pooled);
        }
        copy(pooled, rows, layers.get(layers.size() - 1));
        return rows;
    }

    private static void copy(float[][] pooled, float[][] rows, Layer l) {
        for (int r = 0; r < rows.length; r++) {
            if (pooled[r].length != l.dim()) {
                throw new EncoderException("tensor '" + l.name() + "' gave " + pooled[r].length + " values per image, " + l.dim() + " before");
            }
            System.arraycopy(pooled[r], 0, rows[r], l.offset(), l.dim());
        }
    }

    /** This encoder saying what it is (the factory's description of the model, with the width of all depths). */
    LayerEncoder describedAs(EncoderDescription d) {
        LayerEncoder e = new LayerEncoder(inner, taps, poolings, layers, own, provenance.describedAs(d), choiceKey);
        e.info = d;
        return e;
    }

    @Override
    public EncoderDescription info() {
        return info != null ? info : Encoder.super.info();
    }

    @Override
    public PreprocessSpec preprocessing() {
        return inner.preprocessing();
    }

    @Override
    public int embeddingDim() {
        return dim;
    }

    @Override
    public EncoderProvenance provenanceRecord() {
        return provenance;
    }

    @Override
    public void close() {
        inner.close();
    }
}
