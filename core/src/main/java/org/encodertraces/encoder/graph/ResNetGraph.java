package org.encodertraces.encoder.graph;

import java.util.List;
import java.util.regex.Pattern;
import org.encodertraces.encoder.checkpoint.Checkpoint;
import org.encodertraces.encoder.checkpoint.CheckpointException;
import org.encodertraces.encoder.onnx.OnnxGraphWriter;
import org.encodertraces.encoder.onnx.OnnxModel;

/**
 * The ONNX graph of a bottleneck ResNet (ResNet-50: depths 3, 4, 6, 3) from a checkpoint with the
 * torchvision layout, which timm's {@code resnet50} shares ({@code conv1}, {@code bn1},
 * {@code layerS.B.conv1..3}, {@code bn1..3}, {@code downsample.0/.1}, {@code fc}): the stride on
 * the 3x3 convolution (ResNet v1.5), batch norm in inference form (epsilon 1e-5), and the
 * embedding the study took, the global average of the last stage ({@code fc} is the classifier,
 * not used). Input {@code pixel_values} [N, 3, H, W], output {@code embedding} [N, 32 * width]
 * where width is {@code conv1}'s output channels (64 for ResNet-50: 2048).
 */
public final class ResNetGraph {
    /** The input's name. */
    public static final String INPUT = "pixel_values";
    /** The embedding output's name. */
    public static final String EMBEDDING = "embedding";
    /** ResNet-50's blocks per stage. */
    public static final List<Integer> RESNET50 = List.of(3, 4, 6, 3);
    private static final String LAYOUT = "torchvision/timm ResNet";
    private static final float BN_EPS = 1e-5f;
    private static final Pattern IGNORED = Pattern.compile("fc\\.(weight|bias)|.*\\.num_batches_tracked");

    private ResNetGraph() {
    }

    /**
     * Builds the graph with every weight inside one model file ({@link #model} for a model that may
     * need external data).
     *
     * @return the ONNX model's bytes (opset 17)
     * @throws CheckpointException naming a missing, misshapen or unexpected key
     * @throws IllegalArgumentException when the weights pass what one ONNX file holds
     */
    public static byte[] build(Checkpoint checkpoint, List<Integer> depths, String producerVersion, String docString)
            throws CheckpointException {
        return model(checkpoint, depths, producerVersion, docString).inlineBytes();
    }

    /**
     * Builds the graph.
     *
     * @param checkpoint the weights, keys without prefix
     * @param depths blocks per stage ({@link #RESNET50})
     * @param docString what the model was built from, for its doc string
     * @return the ONNX model (opset 17), its weights kept as values until written
     * @throws CheckpointException naming a missing, misshapen or unexpected key
     */
    public static OnnxModel model(Checkpoint checkpoint, List<Integer> depths, String producerVersion, String docString)
            throws CheckpointException {
        CheckpointKeys w = new CheckpointKeys(checkpoint, LAYOUT);
        OnnxGraphWriter g = new OnnxGraphWriter("resnet-bottleneck");
        long width = w.shape("conv1.weight")[0];
        String h = convBn(g, w, INPUT, "conv1", "bn1", 3, width, 7, 2, 3);
        h = g.node("Relu", "relu", List.of(h), "stem.relu");
        h = g.node("MaxPool", "maxpool", List.of(h), "stem.pool", OnnxGraphWriter.intsAttr("kernel_shape", 3, 3),
                OnnxGraphWriter.intsAttr("strides", 2, 2), OnnxGraphWriter.intsAttr("pads", 1, 1, 1, 1));
        long in = width;
        for (int s = 0; s < depths.size(); s++) {
            long planes = width << s;
            for (int b = 0; b < depths.get(s); b++) {
                String p = "layer" + (s + 1) + "." + b;
                int stride = b == 0 && s > 0 ? 2 : 1;
                String y = g.node("Relu", p + ".relu1", List.of(convBn(g, w, h, p + ".conv1", p + ".bn1", in, planes, 1, 1, 0)), p + ".r1");
                y = g.node("Relu", p + ".relu2", List.of(convBn(g, w, y, p + ".conv2", p + ".bn2", planes, planes, 3, stride, 1)), p + ".r2");
                y = convBn(g, w, y, p + ".conv3", p + ".bn3", planes, planes * 4, 1, 1, 0);
                String shortcut = h;
                if (b == 0) {
                    shortcut = convBn(g, w, h, p + ".downsample.0", p + ".downsample.1", in, planes * 4, 1, stride, 0);
                }
                String sum = g.node("Add", p + ".add", List.of(y, shortcut), p + ".sum");
                h = g.node("Relu", p + ".relu", List.of(sum), p + ".out");
                in = planes * 4;
            }
        }
        g.node("GlobalAveragePool", "pool", List.of(h), "pooled");
        g.node("Flatten", "flatten", List.of("pooled"), EMBEDDING, OnnxGraphWriter.intAttr("axis", 1));
        if (w.has("fc.weight")) {
            w.take("fc.weight", w.shape("fc.weight")[0], in);
        }
        w.requireAllUsed(IGNORED);
        g.input(INPUT, "N", 3, "H", "W");
        g.output(EMBEDDING, "N", in);
        return g.build(17, producerVersion, docString);
    }

    private static String convBn(OnnxGraphWriter g, CheckpointKeys w, String in, String conv, String bn, long cin, long cout,
                                 int k, int stride, int pad) throws CheckpointException {
        g.initializer(conv + ".weight", w.take(conv + ".weight", cout, cin, k, k).values(), cout, cin, k, k);
        List<String> bnIn = new java.util.ArrayList<>(List.of(conv + ".out"));
        for (String s : List.of("weight", "bias", "running_mean", "running_var")) {
            bnIn.add(g.initializer(bn + "." + s, w.take(bn + "." + s, cout).values(), cout));
        }
        g.node("Conv", conv, List.of(in, conv + ".weight"), conv + ".out", OnnxGraphWriter.intsAttr("kernel_shape", k, k),
                OnnxGraphWriter.intsAttr("strides", stride, stride), OnnxGraphWriter.intsAttr("pads", pad, pad, pad, pad));
        return g.node("BatchNormalization", bn, bnIn, bn + ".out", OnnxGraphWriter.floatAttr("epsilon", BN_EPS));
    }
}
