package org.encodertraces.encoder.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks that a file is an ONNX {@code ModelProto} without loading it: walks the protobuf
 * structure from disk, skipping the bytes of weights, and reads the graph's inputs, outputs and
 * the external-data files its tensors point at. Fast and memory-light even for gigabyte models,
 * so a download (or a cached copy) can be verified before it is kept or used; an HTML error
 * page or a truncated file fails here with a clear reason.
 *
 * @param inputs graph inputs that are not initializers
 * @param outputs graph outputs
 * @param externalData relative locations of external-data files ({@code .onnx_data}), in first-seen order
 * @param irVersion the model's IR version (0 when absent)
 */
public record OnnxFileScan(List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs, List<String> externalData, long irVersion) {
    private static final int MODEL_IR_VERSION = 1;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_TENSOR = 5;
    private static final int ATTRIBUTE_TENSORS = 9;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    /** Metadata messages (value infos, external-data entries) larger than this are not a real model's. */
    private static final int MAX_SMALL_MESSAGE = 1 << 20;

    /** Copies. */
    public OnnxFileScan {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        externalData = List.copyOf(externalData);
    }

    /**
     * Scans {@code file}.
     *
     * @throws ProtoFormatException when the bytes are not a well-formed ONNX model (the message says where)
     * @throws IOException when the file cannot be read
     */
    public static OnnxFileScan of(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Stream s = new Stream(ch);
            long ir = 0;
            GraphParts graph = null;
            if (s.size == 0) {
                throw new ProtoFormatException("the file is empty");
            }
            while (s.pos() < s.size) {
                long tag = s.tag();
                int field = (int) (tag >>> 3);
                int wt = (int) (tag & 7);
                if (field == MODEL_IR_VERSION && wt == ProtoWriter.VARINT) {
                    ir = s.varint();
                } else if (field == OnnxGraphInfo.MODEL_GRAPH && wt == ProtoWriter.LEN) {
                    long end = s.lengthEnd();
                    graph = graph(s, end);
                } else {
                    s.skip(wt);
                }
            }
            if (graph == null) {
                throw new ProtoFormatException("no graph (ModelProto field 7) in the model");
            }
            if (ir <= 0) {
                throw new ProtoFormatException("no ir_version (ModelProto field 1): not an ONNX model");
            }
            List<OnnxValueInfo> in = new ArrayList<>();
            for (OnnxValueInfo v : graph.inputs) {
                if (!graph.initializers.contains(v.name())) {
                    in.add(v);
                }
            }
            return new OnnxFileScan(in, graph.outputs, new ArrayList<>(graph.external), ir);
        }
    }

    /** The names of the inputs, in order. */
    public List<String> inputNames() {
        return inputs.stream().map(OnnxValueInfo::name).toList();
    }

    private static final class GraphParts {
        final List<OnnxValueInfo> inputs = new ArrayList<>();
        final List<OnnxValueInfo> outputs = new ArrayList<>();
        final Set<String> initializers = new LinkedHashSet<>();
        final Set<String> external = new LinkedHashSet<>();
    }

    private static GraphParts graph(Stream s, long end) throws IOException {
        GraphParts g = new GraphParts();
        while (s.pos() < end) {
            long tag = s.tag();
            int field = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            if (wt == ProtoWriter.LEN && field == OnnxGraphInfo.GRAPH_INITIALIZER) {
                tensor(s, s.lengthEnd(), g, true);
            } else if (wt == ProtoWriter.LEN && field == OnnxGraphInfo.GRAPH_NODE) {
                node(s, s.lengthEnd(), g);
            } else if (wt == ProtoWriter.LEN && (field == OnnxGraphInfo.GRAPH_INPUT || field == OnnxGraphInfo.GRAPH_OUTPUT)) {
                OnnxValueInfo vi = OnnxGraphInfo.readValueInfo(new ProtoReader(s.small()));
                (field == OnnxGraphInfo.GRAPH_INPUT ? g.inputs : g.outputs).add(vi);
            } else {
                s.skip(wt);
            }
            s.checkWithin(end);
        }
        return g;
    }

    private static void node(Stream s, long end, GraphParts g) throws IOException {
        while (s.pos() < end) {
            long tag = s.tag();
            int wt = (int) (tag & 7);
            if (wt == ProtoWriter.LEN && (tag >>> 3) == NODE_ATTRIBUTE) {
                long aend = s.lengthEnd();
                while (s.pos() < aend) {
                    long at = s.tag();
                    int awt = (int) (at & 7);
                    long af = at >>> 3;
                    if (awt == ProtoWriter.LEN && (af == ATTRIBUTE_TENSOR || af == ATTRIBUTE_TENSORS)) {
                        tensor(s, s.lengthEnd(), g, false);
                    } else {
                        s.skip(awt);
                    }
                    s.checkWithin(aend);
                }
            } else {
                s.skip(wt);
            }
            s.checkWithin(end);
        }
    }

    private static void tensor(Stream s, long end, GraphParts g, boolean initializer) throws IOException {
        String location = null;
        while (s.pos() < end) {
            long tag = s.tag();
            int field = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            if (initializer && field == OnnxGraphInfo.TENSOR_NAME && wt == ProtoWriter.LEN) {
                g.initializers.add(new String(s.small(), java.nio.charset.StandardCharsets.UTF_8));
            } else if (field == TENSOR_EXTERNAL_DATA && wt == ProtoWriter.LEN) {
                ProtoReader e = new ProtoReader(s.small());
                String key = null;
                String value = null;
                while (e.next()) {
                    if (e.field() == ENTRY_KEY && e.wireType() == ProtoWriter.LEN) {
                        key = e.string();
                    } else if (e.field() == ENTRY_VALUE && e.wireType() == ProtoWriter.LEN) {
                        value = e.string();
                    }
                }
                if ("location".equals(key) && value != null) {
                    location = value;
                }
            } else if (field == TENSOR_DATA_LOCATION && wt == ProtoWriter.VARINT) {
                s.varint();
            } else {
                s.skip(wt);
            }
            s.checkWithin(end);
        }
        if (location != null) {
            g.external.add(location);
        }
    }

    /** A forward reader over a file channel with skipping; every length is checked against the file size. */
    private static final class Stream {
        private final FileChannel ch;
        private final long size;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        private long bufStart;

        Stream(FileChannel ch) throws IOException {
            this.ch = ch;
            this.size = ch.size();
            buf.limit(0);
        }

        long pos() {
            return bufStart + buf.position();
        }

        private int read() throws IOException {
            if (!buf.hasRemaining()) {
                bufStart += buf.limit();
                buf.clear();
                ch.position(bufStart);
                int n = ch.read(buf);
                buf.flip();
                if (n <= 0) {
                    throw new ProtoFormatException("truncated at byte " + pos() + " of " + size);
                }
            }
            return buf.get() & 0xff;
        }

        long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read();
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new ProtoFormatException("malformed varint at byte " + pos());
        }

        long tag() throws IOException {
            long at = pos();
            long tag = varint();
            int wt = (int) (tag & 7);
            if ((tag >>> 3) == 0 || (wt != ProtoWriter.VARINT && wt != ProtoWriter.FIXED64 && wt != ProtoWriter.LEN
                    && wt != ProtoWriter.FIXED32)) {
                throw new ProtoFormatException("byte " + at + " does not start a protobuf field (field "
                        + (tag >>> 3) + ", wire type " + wt + "): not an ONNX model");
            }
            return tag;
        }

        long lengthEnd() throws IOException {
            long len = varint();
            long end = pos() + len;
            if (len < 0 || end > size) {
                throw new ProtoFormatException("a field at byte " + pos() + " claims " + len + " bytes, past the end of the file ("
                        + size + " bytes): truncated or not an ONNX model");
            }
            return end;
        }

        void checkWithin(long end) throws ProtoFormatException {
            if (pos() > end) {
                throw new ProtoFormatException("a field overruns its enclosing message at byte " + pos());
            }
        }

        byte[] small() throws IOException {
            long end = lengthEnd();
            long len = end - pos();
            if (len > MAX_SMALL_MESSAGE) {
                throw new ProtoFormatException("a metadata field of " + len + " bytes at byte " + pos() + ": not an ONNX model");
            }
            byte[] b = new byte[(int) len];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) read();
            }
            return b;
        }

        void skip(int wireType) throws IOException {
            switch (wireType) {
                case ProtoWriter.VARINT -> varint();
                case ProtoWriter.FIXED64 -> seek(pos() + 8);
                case ProtoWriter.FIXED32 -> seek(pos() + 4);
                case ProtoWriter.LEN -> seek(lengthEnd());
                default -> throw new ProtoFormatException("wire type " + wireType + " at byte " + pos());
            }
        }

        private void seek(long to) throws IOException {
            if (to > size) {
                throw new ProtoFormatException("truncated: a field ends past the end of the file (" + size + " bytes)");
            }
            long inBuf = to - bufStart;
            if (inBuf >= 0 && inBuf <= buf.limit()) {
                buf.position((int) inBuf);
            } else {
                bufStart = to;
                buf.clear();
                buf.limit(0);
            }
        }
    }
}
