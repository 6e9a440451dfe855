package org.encodertraces.encoder.checkpoint;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted unpickler for the {@code data.pkl} of a torch checkpoint: it rebuilds dictionaries,
 * lists, tuples, numbers, strings and tensors, and nothing else. Python's unpickler calls whatever
 * global a pickle names (a checkpoint can run {@code os.system}); this one knows a fixed list of
 * opcodes and of globals ({@code torch._utils._rebuild_tensor_v2} and its kin, the storage types,
 * {@code collections.OrderedDict}) and refuses anything else, naming the opcode or global and its
 * byte offset in the pickle. Nothing is ever executed: a "call" of an allowed global is our own
 * Java code building the value.
 *
 * <p>Tensors come back as {@link TensorRef}: where their storage is and how to view it; the caller
 * ({@link TorchCheckpoint}) reads the storage bytes.
 */
final class TorchPickle {
    /** Storage types torch writes in a persistent id, with their element type and size. */
    static final Map<String, String> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", "F32"), Map.entry("HalfStorage", "F16"), Map.entry("BFloat16Storage", "BF16"),
            Map.entry("DoubleStorage", "F64"), Map.entry("LongStorage", "I64"), Map.entry("IntStorage", "I32"),
            Map.entry("ShortStorage", "I16"), Map.entry("CharStorage", "I8"), Map.entry("ByteStorage", "U8"),
            Map.entry("BoolStorage", "BOOL"));

    private static final Set<String> CALLABLE = Set.of("torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
            "torch._utils._rebuild_parameter", "collections.OrderedDict");

    /** A Python global the pickle named (only allowed ones are ever made). */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A Python tuple. */
    record Tuple(List<Object> items) {
    }

    /** A storage of the checkpoint: its element type, its record key in the archive, its length in elements. */
    record StorageRef(String dtype, String key, long numel) {
    }

    /** A tensor: a strided view of a storage. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    /** A pickle that is refused or broken; the message names the opcode or global and its offset. */
    static final class PickleException extends Exception {
        private static final long serialVersionUID = 1L;

        PickleException(String message) {
            super(message);
        }
    }

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int opAt;

    private TorchPickle(byte[] pickle) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The value the pickle holds: maps ({@link LinkedHashMap}, insertion order kept), lists, {@link Tuple},
     * {@link Long} or {@link BigInteger}, {@link Double}, {@link Boolean}, {@link String}, byte arrays,
     * {@link TensorRef}, or null for None.
     */
    static Object load(byte[] pickle) throws PickleException {
        Object v = new TorchPickle(pickle).run();
        return v == NONE ? null : v;
    }

    private Object run() throws PickleException {
        try {
            while (true) {
                opAt = in.position();
                int op = in.get() & 0xFF;
                switch (op) {
                    case 0x80 -> in.get(); // PROTO
                    case 0x95 -> in.getLong(); // FRAME
                    case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
                    case ']' -> push(new ArrayList<Object>()); // EMPTY_LIST
                    case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                    case '(' -> push(MARK);
                    case 'q' -> memo.put((long) (in.get() & 0xFF), top()); // BINPUT
                    case 'r' -> memo.put(in.getInt() & 0xFFFFFFFFL, top()); // LONG_BINPUT
                    case 0x94 -> memo.put((long) memo.size(), top()); // MEMOIZE
                    case 'h' -> push(memoGet(in.get() & 0xFF)); // BINGET
                    case 'j' -> push(memoGet(in.getInt() & 0xFFFFFFFFL)); // LONG_BINGET
                    case 'X' -> push(text(in.getInt(), StandardCharsets.UTF_8)); // BINUNICODE
                    case 0x8c -> push(text(in.get() & 0xFF, StandardCharsets.UTF_8)); // SHORT_BINUNICODE
                    case 0x8d -> push(text(longLength(), StandardCharsets.UTF_8)); // BINUNICODE8
                    case 'T' -> push(text(in.getInt(), StandardCharsets.ISO_8859_1)); // BINSTRING
                    case 'U' -> push(text(in.get() & 0xFF, StandardCharsets.ISO_8859_1)); // SHORT_BINSTRING
                    case 'B' -> push(bytes(in.getInt())); // BINBYTES
                    case 'C' -> push(bytes(in.get() & 0xFF)); // SHORT_BINBYTES
                    case 'c' -> push(global(line(), line())); // GLOBAL
                    case 0x93 -> { // STACK_GLOBAL
                        String name = string(pop(), "STACK_GLOBAL name");
                        String module = string(pop(), "STACK_GLOBAL module");
                        push(global(module, name));
                    }
                    case 'Q' -> push(persistent(pop())); // BINPERSID
                    case 'J' -> push((long) in.getInt()); // BININT
                    case 'K' -> push((long) (in.get() & 0xFF)); // BININT1
                    case 'M' -> push((long) (in.getShort() & 0xFFFF)); // BININT2
                    case 0x8a -> push(longOf(bytes(in.get() & 0xFF))); // LONG1
                    case 0x8b -> push(longOf(bytes(in.getInt()))); // LONG4
                    case 'G' -> push(in.order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT
                    case 't' -> push(new Tuple(popMark())); // TUPLE
                    case 0x85 -> push(new Tuple(List.of(pop()))); // TUPLE1
                    case 0x86 -> { // TUPLE2
                        Object b = pop();
                        push(new Tuple(Arrays.asList(pop(), b)));
                    }
                    case 0x87 -> { // TUPLE3
                        Object c = pop();
                        Object b = pop();
                        push(new Tuple(Arrays.asList(pop(), b, c)));
                    }
                    case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                    case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                    case 'N' -> push(NONE);
                    case 'R' -> { // REDUCE
                        Object args = pop();
                        push(call(pop(), args));
                    }
                    case 's' -> { // SETITEM
                        Object v = pop();
                        Object k = pop();
                        dict(top()).put(key(k), v);
                    }
                    case 'u' -> { // SETITEMS
                        List<Object> kv = popMark();
                        Map<Object, Object> d = dict(top());
                        for (int i = 0; i + 1 < kv.size(); i += 2) {
                            d.put(key(kv.get(i)), kv.get(i + 1));
                        }
                    }
                    case 'a' -> { // APPEND
                        Object v = pop();
                        list(top()).add(v);
                    }
                    case 'e' -> { // APPENDS
                        List<Object> vs = popMark();
                        list(top()).addAll(vs);
                    }
                    case 'b' -> build(pop(), top()); // BUILD
                    case '.' -> { // STOP
                        return pop();
                    }
                    default -> throw refuse(String.format("opcode 0x%02x%s", op, printable(op)));
                }
                in.order(ByteOrder.LITTLE_ENDIAN);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new PickleException("pickle ends inside the opcode at offset " + opAt);
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new PickleException("malformed pickle at offset " + opAt + ": " + e.getMessage());
        }
    }

    private static String printable(int op) {
        return op >= 0x20 && op < 0x7F ? " ('" + (char) op + "')" : "";
    }

    private PickleException refuse(String what) {
        return new PickleException("refused " + what + " at offset " + opAt
                + " of the pickle: a checkpoint is read only as tensors, dicts, lists, tuples, numbers and strings");
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws PickleException {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw new PickleException("malformed pickle: stack empty at offset " + opAt);
        }
        return stack.remove(stack.size() - 1);
    }

    private Object top() throws PickleException {
        if (stack.isEmpty()) {
            throw new PickleException("malformed pickle: stack empty at offset " + opAt);
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws PickleException {
        int m = stack.lastIndexOf(MARK);
        if (m < 0) {
            throw new PickleException("malformed pickle: no MARK before offset " + opAt);
        }
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private Object memoGet(long i) throws PickleException {
        Object v = memo.get(i);
        if (v == null) {
            throw new PickleException("malformed pickle: memo " + i + " unset at offset " + opAt);
        }
        return v;
    }

    private int longLength() throws PickleException {
        long n = in.getLong();
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new PickleException("malformed pickle: length " + n + " at offset " + opAt);
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws PickleException {
        if (n < 0 || n > in.remaining()) {
            throw new PickleException("pickle ends inside the opcode at offset " + opAt);
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String text(int n, java.nio.charset.Charset cs) throws PickleException {
        return new String(bytes(n), cs);
    }

    private String line() throws PickleException {
        int start = in.position();
        while (in.get() != '\n') {
            if (in.position() - start > 256) {
                throw new PickleException("malformed pickle: GLOBAL name too long at offset " + opAt);
            }
        }
        return new String(in.array(), start, in.position() - start - 1, StandardCharsets.UTF_8);
    }

    private static Object longOf(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = le.length == 0 ? BigInteger.ZERO : new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static String string(Object o, String what) throws PickleException {
        if (o instanceof String s) {
            return s;
        }
        throw new PickleException("malformed pickle: " + what + " is not a string");
    }

    private Object global(String module, String name) throws PickleException {
        String q = module + "." + name;
        boolean storage = module.equals("torch") && STORAGES.containsKey(name);
        if (!storage && !CALLABLE.contains(q)) {
            throw refuse("global " + q);
        }
        return new Global(module, name);
    }

    private static Object key(Object k) {
        return k;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) throws PickleException {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw new PickleException("malformed pickle: SETITEM on a " + kind(o) + " at offset " + opAt);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) throws PickleException {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new PickleException("malformed pickle: APPEND on a " + kind(o) + " at offset " + opAt);
    }

    private static String kind(Object o) {
        return o == null ? "null" : o instanceof Global g ? g.qualified() : o.getClass().getSimpleName();
    }

    /** BUILD is allowed on an OrderedDict only (a state_dict's {@code _metadata}); the state is dropped. */
    private void build(Object state, Object target) throws PickleException {
        if (!(target instanceof Map) || !(state instanceof Map || state == NONE)) {
            throw refuse("BUILD on a " + kind(target));
        }
    }

    private Object persistent(Object pid) throws PickleException {
        if (pid instanceof Tuple t && t.items().size() == 5 && "storage".equals(t.items().get(0))
                && t.items().get(1) instanceof Global g && STORAGES.containsKey(g.name())
                && t.items().get(2) instanceof String key && t.items().get(4) instanceof Long numel) {
            return new StorageRef(STORAGES.get(g.name()), key, numel);
        }
        throw refuse("persistent id " + kind(pid) + " (only torch storages are read)");
    }

    private Object call(Object callable, Object argsObj) throws PickleException {
        if (!(callable instanceof Global g) || !CALLABLE.contains(g.qualified())) {
            throw refuse("REDUCE on " + kind(callable));
        }
        if (!(argsObj instanceof Tuple t)) {
            throw new PickleException("malformed pickle: REDUCE arguments are not a tuple at offset " + opAt);
        }
        List<Object> a = t.items();
        switch (g.qualified()) {
            case "collections.OrderedDict" -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                if (!a.isEmpty()) {
                    for (Object pair : iterable(a.get(0))) {
                        List<Object> kv = pair instanceof Tuple p ? p.items() : List.of();
                        if (kv.size() != 2) {
                            throw new PickleException("malformed pickle: OrderedDict item is not a pair at offset " + opAt);
                        }
                        m.put(kv.get(0), kv.get(1));
                    }
                }
                return m;
            }
            case "torch._utils._rebuild_parameter" -> {
                if (a.isEmpty() || !(a.get(0) instanceof TensorRef tr)) {
                    throw new PickleException("malformed pickle: _rebuild_parameter without a tensor at offset " + opAt);
                }
                return tr;
            }
            default -> { // _rebuild_tensor_v2 (storage, offset, size, stride, requires_grad, hooks[, metadata]), _rebuild_tensor
                if (a.size() < 4 || !(a.get(0) instanceof StorageRef s) || !(a.get(1) instanceof Long off)) {
                    throw new PickleException("malformed pickle: " + g.name() + " arguments at offset " + opAt);
                }
                long[] size = longs(a.get(2));
                long[] stride = longs(a.get(3));
                if (size.length != stride.length) {
                    throw new PickleException("malformed pickle: tensor size and stride differ in rank at offset " + opAt);
                }
                return new TensorRef(s, off, size, stride);
            }
        }
    }

    private List<?> iterable(Object o) throws PickleException {
        if (o instanceof List<?> l) {
            return l;
        }
        if (o instanceof Tuple t) {
            return t.items();
        }
        throw new PickleException("malformed pickle: expected a list at offset " + opAt);
    }

    private long[] longs(Object o) throws PickleException {
        List<?> l = iterable(o);
        long[] v = new long[l.size()];
        for (int i = 0; i < v.length; i++) {
            if (!(l.get(i) instanceof Long x)) {
                throw new PickleException("malformed pickle: tensor size is not integers at offset " + opAt);
            }
            v[i] = x;
        }
        return v;
    }
}
