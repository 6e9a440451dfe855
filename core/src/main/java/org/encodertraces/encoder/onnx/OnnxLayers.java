package org.encodertraces.encoder.onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The intermediate tensors of an encoder's graph worth reading a trace from: the outputs of its
 * residual blocks, found from the graph's structure, and the way to fetch any named tensor as a float
 * graph output (quantized tensors are dequantized by an appended {@code DequantizeLinear}).
 *
 * <p>A residual block's output is an {@code Add} (or an INT8 graph's {@code QLinearAdd}) of two
 * tensors that both depend on the image, one of them reaching back to the other (or, for a
 * projection shortcut, to a tensor at most three nodes behind the other) through a branch that holds
 * a weighted layer ({@code Conv}, {@code MatMul}, {@code Gemm} or their quantized forms). That covers
 * ResNets (the {@code Relu} after the {@code Add} is taken when it is the only consumer), ConvNeXts,
 * MobileNetV2's inverted residuals and ViTs, and leaves out bias additions (a constant operand),
 * position embeddings (a constant) and activation formulas such as tanh-GELU's {@code x + 0.044715 x^3}
 * (no weighted layer between). In a transformer each block adds twice, after attention and after the
 * MLP; when some residual branches hold a {@code Softmax} and others do not, only the latter (the
 * block's end) are kept.
 */
public final class OnnxLayers {
    /** Prefix of the tensors and nodes the exposure adds. */
    public static final String PREFIX = "traces_layer/";
    /** Nodes visited at most when following one branch back; a longer branch is not taken for a residual one. */
    static final int MAX_BRANCH_NODES = 4000;

    private static final Set<String> WEIGHTED = Set.of("Conv", "MatMul", "Gemm", "QLinearConv", "QLinearMatMul", "ConvInteger",
            "MatMulInteger", "ConvTranspose");

    private OnnxLayers() {
    }

    /**
     * One tensor to read.
     *
     * @param tensor the tensor as the graph names it
     * @param output the float graph output that carries it (the tensor itself, or its dequantized copy)
     * @param scale for a quantized tensor, the name of its scale tensor, else null
     * @param zeroPoint for a quantized tensor, the name of its zero-point tensor, else null
     */
    public record Tap(String tensor, String output, String scale, String zeroPoint) {
        /** Whether the tensor is quantized and read through a {@code DequantizeLinear}. */
        public boolean quantized() {
            return scale != null;
        }
    }

    /** A node as far as the search needs it. */
    record Node(String op, List<String> inputs, List<String> outputs) {
    }

    /**
     * The residual blocks' outputs, in graph order.
     *
     * @throws ProtoFormatException when the bytes are not a model
     */
    public static List<Tap> residualBlocks(byte[] model) {
        Graph g = Graph.read(model);
        List<int[]> adds = new ArrayList<>(); // node index, softmax in branch (1/0)
        for (int i = 0; i < g.nodes.size(); i++) {
            Node n = g.nodes.get(i);
            String a;
            String b;
            if (n.op.equals("Add") && n.inputs.size() == 2) {
                a = n.inputs.get(0);
                b = n.inputs.get(1);
            } else if (n.op.equals("QLinearAdd") && n.inputs.size() >= 7) {
                a = n.inputs.get(0);
                b = n.inputs.get(3);
            } else {
                continue;
            }
            if (!g.dependent.contains(a) || !g.dependent.contains(b)) {
                continue;
            }
            Set<String> branchOps = branch(g, b, near(g, a));
            if (branchOps == null) {
                branchOps = branch(g, a, near(g, b));
            }
            if (branchOps == null || branchOps.stream().noneMatch(WEIGHTED::contains)) {
                continue;
            }
            adds.add(new int[] {i, branchOps.contains("Softmax") ? 1 : 0});
        }
        boolean someAttention = adds.stream().anyMatch(x -> x[1] == 1);
        boolean someNot = adds.stream().anyMatch(x -> x[1] == 0);
        List<Tap> taps = new ArrayList<>();
        for (int[] x : adds) {
            if (someAttention && someNot && x[1] == 1) {
                continue; // a transformer block's first half
            }
            Node n = g.nodes.get(x[0]);
            String out = n.outputs.get(0);
            if (n.op.equals("QLinearAdd")) {
                taps.add(new Tap(out, PREFIX + out, n.inputs.get(6), n.inputs.size() > 7 ? n.inputs.get(7) : null));
                continue;
            }
            List<Node> consumers = g.consumers.getOrDefault(out, List.of());
            if (consumers.size() == 1 && consumers.get(0).op.equals("Relu")) {
                out = consumers.get(0).outputs.get(0);
            }
            taps.add(new Tap(out, out, null, null));
        }
        return taps;
    }

    /**
     * Taps for tensors named by the user: a float tensor is read as it is; the output of a quantized
     * operator ({@code QLinear*}, {@code QuantizeLinear}) through a {@code DequantizeLinear} with the
     * operator's output scale and zero point.
     *
     * @throws IllegalArgumentException naming a tensor no node produces
     */
    public static List<Tap> named(byte[] model, List<String> names) {
        Graph g = Graph.read(model);
        List<Tap> taps = new ArrayList<>();
        for (String name : names) {
            Node p = g.producer.get(name);
            if (p == null) {
                throw new IllegalArgumentException("no node of the graph produces a tensor named '" + name + "'");
            }
            int[] q = switch (p.op) {
                case "QLinearConv", "QLinearAdd", "QLinearMatMul", "QLinearMul", "QLinearConcat" -> new int[] {6, 7};
                case "QLinearGlobalAveragePool", "QLinearAveragePool", "QLinearLeakyRelu", "QLinearSigmoid" -> new int[] {3, 4};
                case "QuantizeLinear" -> new int[] {1, 2};
                default -> null;
            };
            if (q != null && p.op.equals("QLinearConcat")) {
                q = new int[] {0, 1};
            }
            if (q == null || p.inputs.size() <= q[0]) {
                taps.add(new Tap(name, name, null, null));
            } else {
                taps.add(new Tap(name, PREFIX + name, p.inputs.get(q[0]), p.inputs.size() > q[1] ? p.inputs.get(q[1]) : null));
            }
        }
        return taps;
    }

    /** The model with every tap's float tensor appended to the graph outputs (dequantizing quantized ones). */
    public static byte[] expose(byte[] model, List<Tap> taps) {
        OnnxGraphInfo info = OnnxGraphInfo.read(model);
        List<ProtoWriter> nodes = new ArrayList<>();
        List<ProtoWriter> outs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Tap t : taps) {
            if (!seen.add(t.output())) {
                continue;
            }
            if (t.quantized()) {
                List<String> in = t.zeroPoint() == null ? List.of(t.tensor(), t.scale()) : List.of(t.tensor(), t.scale(), t.zeroPoint());
                nodes.add(OnnxModelEditor.node("DequantizeLinear", t.output(), in, List.of(t.output())));
            }
            if (!info.isOutput(t.output())) {
                outs.add(OnnxModelEditor.valueInfo(t.output(), OnnxValueInfo.FLOAT));
            }
        }
        return OnnxModelEditor.appendNodes(model, nodes, List.of(), outs, true);
    }

    /** The tensors at most three nodes behind {@code t} that depend on the image, {@code t} included. */
    private static Set<String> near(Graph g, String t) {
        Set<String> out = new HashSet<>();
        List<String> frontier = List.of(t);
        out.add(t);
        for (int depth = 0; depth < 3; depth++) {
            List<String> next = new ArrayList<>();
            for (String x : frontier) {
                Node p = g.producer.get(x);
                if (p == null) {
                    continue;
                }
                for (String in : p.inputs) {
                    if (g.dependent.contains(in) && out.add(in)) {
                        next.add(in);
                    }
                }
            }
            frontier = next;
        }
        return out;
    }

    /**
     * The operator types on the way back from {@code from} to any of {@code stops}, or null when the way
     * back never meets them (within {@link #MAX_BRANCH_NODES} nodes).
     */
    private static Set<String> branch(Graph g, String from, Set<String> stops) {
        if (stops.contains(from)) {
            return null; // the same tensor twice (x + x) is no branch
        }
        Set<String> ops = new HashSet<>();
        Set<String> visited = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(from);
        visited.add(from);
        boolean met = false;
        int nodes = 0;
        while (!todo.isEmpty()) {
            String t = todo.poll();
            if (stops.contains(t)) {
                met = true;
                continue;
            }
            Node p = g.producer.get(t);
            if (p == null) {
                continue;
            }
            if (++nodes > MAX_BRANCH_NODES) {
                return null;
            }
            ops.add(p.op);
            for (String in : p.inputs) {
                if (g.dependent.contains(in) && visited.add(in)) {
                    todo.add(in);
                }
            }
        }
        return met ? ops : null;
    }

    /** The main graph's nodes, who produces and consumes each tensor, and which tensors depend on the image. */
    private record Graph(List<Node> nodes, Map<String, Node> producer, Map<String, List<Node>> consumers, Set<String> dependent) {
        static Graph read(byte[] model) {
            ProtoReader m = new ProtoReader(model);
            ProtoReader graph = null;
            while (m.next()) {
                if (m.field() == OnnxGraphInfo.MODEL_GRAPH && m.wireType() == ProtoWriter.LEN) {
                    graph = m.message();
                }
            }
            if (graph == null) {
                throw new ProtoFormatException("no graph (ModelProto field 7) in the model");
            }
            List<Node> nodes = new ArrayList<>();
            Set<String> initializers = new HashSet<>();
            Set<String> inputs = new LinkedHashSet<>();
            while (graph.next()) {
                if (graph.wireType() != ProtoWriter.LEN) {
                    continue;
                }
                switch (graph.field()) {
                    case OnnxGraphInfo.GRAPH_NODE -> {
                        ProtoReader node = graph.message();
                        List<String> in = new ArrayList<>();
                        List<String> out = new ArrayList<>();
                        String op = "";
                        while (node.next()) {
                            if (node.wireType() != ProtoWriter.LEN) {
                                continue;
                            }
                            switch (node.field()) {
                                case 1 -> in.add(node.string());
                                case OnnxGraphInfo.NODE_OUTPUT -> out.add(node.string());
                                case 4 -> op = node.string();
                                default -> { }
                            }
                        }
                        nodes.add(new Node(op, in, out));
                    }
                    case OnnxGraphInfo.GRAPH_INITIALIZER -> {
                        ProtoReader tensor = graph.message();
                        while (tensor.next()) {
                            if (tensor.field() == OnnxGraphInfo.TENSOR_NAME && tensor.wireType() == ProtoWriter.LEN) {
                                initializers.add(tensor.string());
                            }
                        }
                    }
                    case OnnxGraphInfo.GRAPH_INPUT -> inputs.add(OnnxGraphInfo.readValueInfo(graph.message()).name());
                    default -> { }
                }
            }
            inputs.removeAll(initializers);
            Map<String, Node> producer = new HashMap<>();
            Map<String, List<Node>> consumers = new HashMap<>();
            Set<String> dependent = new HashSet<>(inputs);
            for (Node n : nodes) {
                boolean dep = false;
                for (String in : n.inputs) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                    dep |= dependent.contains(in);
                }
                for (String out : n.outputs) {
                    producer.put(out, n);
                    if (dep && !out.isEmpty()) {
                        dependent.add(out);
                    }
                }
            }
            return new Graph(nodes, producer, consumers, dependent);
        }
    }
}
