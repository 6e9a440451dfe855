package org.encodertraces.data.parquet;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.data.parquet.ThriftCompact.Struct;

/**
 * A parquet file opened for reading, without Hadoop: the footer is decoded when opened, and
 * {@link #read} decodes one column of one row group at a time, so a file much larger than memory
 * is read row group by row group.
 *
 * <p>Read: the physical types other than INT96; flat columns and columns inside (optional or
 * required) structs, addressed by dotted path ({@code image.bytes}); nulls; data pages v1 and v2
 * and dictionary pages; the encodings PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY, RLE (booleans),
 * DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT; the codecs
 * UNCOMPRESSED, SNAPPY, GZIP, ZSTD and LZ4_RAW. Not read, with an {@link IOException} saying so:
 * columns inside lists or maps (repeated fields), INT96, other codecs, encrypted files, column
 * chunks in other files. Every error names the file; those from {@link #read} also the column and
 * the row group.
 */
public final class ParquetFile implements Closeable {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final int REQUIRED = 0;
    private static final int OPTIONAL = 1;
    private static final int REPEATED = 2;
    private static final int DATA_PAGE = 0;
    private static final int DICTIONARY_PAGE = 2;
    private static final int DATA_PAGE_V2 = 3;

    private final Path path;
    private final FileChannel channel;
    private final long dataEnd;
    private final List<ParquetColumn> columns;
    private final Map<String, Integer> byPath = new LinkedHashMap<>();
    private final List<List<String>> leafNames = new ArrayList<>();
    private final List<Struct> rowGroups;
    private final long rowCount;
    private final String createdBy;

    private ParquetFile(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        long size = channel.size();
        if (size < 4 || !Arrays.equals(readAt(0, 4), MAGIC)) {
            throw new IOException("not a parquet file (it does not start with PAR1)");
        }
        if (size < 12) {
            throw new IOException("truncated: " + size + " bytes, too short for a parquet footer");
        }
        byte[] tail = readAt(size - 8, 8);
        if (tail[4] == 'P' && tail[5] == 'A' && tail[6] == 'R' && tail[7] == 'E') {
            throw new IOException("the footer is encrypted (PARE), which is not supported");
        }
        if (!Arrays.equals(Arrays.copyOfRange(tail, 4, 8), MAGIC)) {
            throw new IOException("truncated or not a parquet file: it does not end with PAR1");
        }
        long footerLength = (tail[0] & 0xFFL) | (tail[1] & 0xFFL) << 8 | (tail[2] & 0xFFL) << 16 | (tail[3] & 0xFFL) << 24;
        if (footerLength <= 0 || footerLength > size - 12) {
            throw new IOException("truncated: the footer says it is " + footerLength + " bytes, the file has " + (size - 12) + " besides the magic");
        }
        dataEnd = size - 8 - footerLength;
        Struct meta;
        try {
            byte[] footer = readAt(dataEnd, (int) footerLength);
            meta = new ThriftCompact(footer, 0, footer.length).readStruct();
        } catch (IOException e) {
            throw new IOException("corrupt footer: " + e.getMessage(), e);
        }
        rowCount = meta.i64(3, -1);
        createdBy = meta.string(6);
        columns = schema(meta.list(2));
        for (int i = 0; i < columns.size(); i++) {
            byPath.putIfAbsent(columns.get(i).path(), i);
        }
        rowGroups = new ArrayList<>();
        for (Object o : meta.list(4)) {
            rowGroups.add((Struct) o);
        }
        if (rowCount < 0) {
            throw new IOException("corrupt footer: no row count");
        }
    }

    /** Opens a file and reads its footer; errors name the file and the reason. */
    public static ParquetFile open(Path file) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new IOException(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            return new ParquetFile(file, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The file read. */
    public Path path() {
        return path;
    }

    /** The leaf columns in schema order. */
    public List<ParquetColumn> columns() {
        return columns;
    }

    /** A leaf column by dotted path, or null. */
    public ParquetColumn column(String dottedPath) {
        Integer i = byPath.get(dottedPath);
        return i == null ? null : columns.get(i);
    }

    /** The top-level field names in schema order (a struct's name once, not its leaves). */
    public List<String> topLevelNames() {
        return leafNames.stream().map(l -> l.get(0)).distinct().toList();
    }

    /** Rows in the file. */
    public long rowCount() {
        return rowCount;
    }

    /** The writer that made the file (the footer's {@code created_by}), or null. */
    public String createdBy() {
        return createdBy;
    }

    /** Row groups in the file. */
    public int rowGroupCount() {
        return rowGroups.size();
    }

    /** Rows in one row group. */
    public int rowGroupRowCount(int rowGroup) throws IOException {
        long n = rowGroups.get(rowGroup).i64(3, -1);
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new IOException(path + ": row group " + rowGroup + " says it has " + n + " rows");
        }
        return (int) n;
    }

    /**
     * One column of one row group, a value per row ({@code null} where the value or a struct
     * around it is null), of the class {@link ParquetColumn#valueClass()} names.
     */
    public Object[] read(int rowGroup, String dottedPath) throws IOException {
        Integer leaf = byPath.get(dottedPath);
        if (leaf == null) {
            throw new IOException(path + ": no column '" + dottedPath + "'; columns are " + columns.stream().map(ParquetColumn::path).toList());
        }
        if (rowGroup < 0 || rowGroup >= rowGroups.size()) {
            throw new IllegalArgumentException("row group " + rowGroup + " of " + rowGroups.size());
        }
        ParquetColumn col = columns.get(leaf);
        try {
            if (col.maxRepetition() > 0) {
                throw new IOException("it is inside a repeated field (a list or map), which is not read");
            }
            if (col.type() == ParquetColumn.PhysicalType.INT96) {
                throw new IOException("INT96 (legacy timestamps) is not supported");
            }
            return readChunk(col, chunk(rowGroup, leaf), rowGroupRowCount(rowGroup));
        } catch (IOException | RuntimeException e) {
            throw new IOException(path + ": column '" + dottedPath + "', row group " + rowGroup + ": " + e.getMessage(), e);
        }
    }

    /** The compression codec of one column chunk ({@code SNAPPY}, {@code ZSTD}, ...), as the footer names it. */
    public String codec(int rowGroup, String dottedPath) throws IOException {
        Integer leaf = byPath.get(dottedPath);
        if (leaf == null) {
            throw new IOException(path + ": no column '" + dottedPath + "'");
        }
        return Codecs.name(chunk(rowGroup, leaf).i32(4, -1));
    }

    /** One column of every row group, in file order. */
    public List<Object> readAll(String dottedPath) throws IOException {
        List<Object> out = new ArrayList<>();
        for (int g = 0; g < rowGroups.size(); g++) {
            out.addAll(Arrays.asList(read(g, dottedPath)));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private List<ParquetColumn> schema(List<Object> elements) throws IOException {
        if (elements.isEmpty()) {
            throw new IOException("corrupt footer: empty schema");
        }
        List<ParquetColumn> out = new ArrayList<>();
        int[] next = {1};
        int children = ((Struct) elements.get(0)).i32(5, 0);
        for (int c = 0; c < children; c++) {
            walk(elements, next, List.of(), 0, 0, out);
        }
        if (next[0] != elements.size()) {
            throw new IOException("corrupt footer: the schema tree uses " + next[0] + " of its " + elements.size() + " elements");
        }
        return List.copyOf(out);
    }

    private void walk(List<Object> elements, int[] next, List<String> parent, int def, int rep, List<ParquetColumn> out) throws IOException {
        if (next[0] >= elements.size()) {
            throw new IOException("corrupt footer: the schema tree needs more than its " + elements.size() + " elements");
        }
        Struct e = (Struct) elements.get(next[0]++);
        String name = e.string(4);
        if (name == null) {
            throw new IOException("corrupt footer: schema element " + (next[0] - 1) + " has no name");
        }
        int repetition = e.i32(3, REQUIRED);
        int d = def + (repetition == OPTIONAL ? 1 : 0);
        int r = rep + (repetition == REPEATED ? 1 : 0);
        List<String> names = new ArrayList<>(parent);
        names.add(name);
        int children = e.i32(5, 0);
        if (children > 0 || !e.has(1)) {
            if (parent.size() > 64) {
                throw new IOException("corrupt footer: schema nested deeper than 64");
            }
            for (int c = 0; c < children; c++) {
                walk(elements, next, names, d, r, out);
            }
            return;
        }
        int type = e.i32(1, -1);
        if (type < 0 || type >= ParquetColumn.PhysicalType.values().length) {
            throw new IOException("corrupt footer: column " + String.join(".", names) + " has physical type #" + type);
        }
        ParquetColumn.PhysicalType pt = ParquetColumn.PhysicalType.values()[type];
        int length = e.i32(2, 0);
        if (pt == ParquetColumn.PhysicalType.FIXED_LEN_BYTE_ARRAY && length <= 0) {
            throw new IOException("corrupt footer: fixed-length column " + String.join(".", names) + " has length " + length);
        }
        leafNames.add(List.copyOf(names));
        out.add(new ParquetColumn(String.join(".", names), pt, pt == ParquetColumn.PhysicalType.FIXED_LEN_BYTE_ARRAY ? length : 0,
                LogicalTypes.of(e), d, r));
    }

    private Struct chunk(int rowGroup, int leaf) throws IOException {
        List<Object> chunks = rowGroups.get(rowGroup).list(1);
        for (Object o : chunks) {
            Struct c = (Struct) o;
            Struct m = c.struct(3);
            if (m == null) {
                throw new IOException("a column chunk has no metadata");
            }
            List<String> p = m.list(3).stream().map(b -> new String((byte[]) b, StandardCharsets.UTF_8)).toList();
            if (p.equals(leafNames.get(leaf))) {
                if (c.string(1) != null) {
                    throw new IOException("the column chunk is in another file (" + c.string(1) + "), which is not read");
                }
                return m;
            }
        }
        throw new IOException("the row group has no chunk for this column");
    }

    private Object[] readChunk(ParquetColumn col, Struct meta, int rows) throws IOException {
        int codec = meta.i32(4, -1);
        Codecs.check(codec);
        long numValues = meta.i64(5, -1);
        long dataOffset = meta.i64(9, -1);
        long dictOffset = meta.i64(11, -1);
        long start = dictOffset > 0 && dictOffset < dataOffset ? dictOffset : dataOffset;
        long length = meta.i64(7, -1);
        if (start < 4 || length < 0 || start + length > dataEnd) {
            throw new IOException("column chunk at byte " + start + " of " + length + " bytes lies outside the data ("
                    + dataEnd + " bytes before the footer)");
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("column chunk of " + length + " bytes is larger than 2 GiB");
        }
        if (numValues != rows) {
            throw new IOException("the chunk has " + numValues + " values for " + rows + " rows");
        }
        byte[] bytes = readAt(start, (int) length);
        Object[] out = new Object[rows];
        Object[] dictionary = null;
        int row = 0;
        int pos = 0;
        int defWidth = RleHybrid.bitWidth(col.maxDefinition());
        while (row < rows) {
            if (pos >= bytes.length) {
                throw new IOException("the chunk ends after " + row + " of " + rows + " values");
            }
            ThriftCompact t = new ThriftCompact(bytes, pos, bytes.length);
            Struct h;
            try {
                h = t.readStruct();
            } catch (IOException e) {
                throw new IOException("corrupt page header at byte " + (start + pos) + ": " + e.getMessage(), e);
            }
            int bodyAt = t.position();
            int type = h.i32(1, -1);
            int size = h.i32(2, -1);
            int compressed = h.i32(3, -1);
            if (size < 0 || compressed < 0 || compressed > bytes.length - bodyAt) {
                throw new IOException("corrupt page header at byte " + (start + pos) + ": page of " + compressed + " bytes ("
                        + size + " uncompressed) with " + (bytes.length - bodyAt) + " left in the chunk");
            }
            switch (type) {
                case DICTIONARY_PAGE -> {
                    Struct d = header(h, 7, "dictionary");
                    int enc = d.i32(2, -1);
                    if (enc != ValueDecoder.PLAIN && enc != ValueDecoder.PLAIN_DICTIONARY) {
                        throw new IOException("dictionary page encoding " + ValueDecoder.encodingName(enc) + " is not supported");
                    }
                    byte[] body = Codecs.decompress(codec, bytes, bodyAt, compressed, size);
                    dictionary = ValueDecoder.plain(col, new PageBytes(body, 0, body.length), count(d.i32(1, -1), Integer.MAX_VALUE));
                }
                case DATA_PAGE -> {
                    Struct d = header(h, 5, "data page");
                    int n = count(d.i32(1, -1), rows - row);
                    byte[] body = Codecs.decompress(codec, bytes, bodyAt, compressed, size);
                    PageBytes in = new PageBytes(body, 0, body.length);
                    int[] def = null;
                    if (col.maxDefinition() > 0) {
                        int levelEncoding = d.i32(3, -1);
                        if (levelEncoding != ValueDecoder.RLE) {
                            throw new IOException("definition level encoding " + ValueDecoder.encodingName(levelEncoding) + " is not supported (RLE is)");
                        }
                        int len = in.readIntLE();
                        in.need(len, "definition levels");
                        def = RleHybrid.decode(new PageBytes(body, in.pos, in.pos + len), defWidth, n);
                        in.pos += len;
                    }
                    place(col, d.i32(2, -1), in, def, dictionary, out, row, n);
                    row += n;
                }
                case DATA_PAGE_V2 -> {
                    Struct d = header(h, 8, "data page v2");
                    int n = count(d.i32(1, -1), rows - row);
                    int defLength = d.i32(5, -1);
                    int repLength = d.i32(6, -1);
                    if (defLength < 0 || repLength < 0 || (long) defLength + repLength > compressed) {
                        throw new IOException("corrupt page header: level lengths " + repLength + " and " + defLength + " in a page of " + compressed);
                    }
                    int levelsAt = bodyAt + repLength;
                    int valuesAt = levelsAt + defLength;
                    int[] def = col.maxDefinition() > 0 ? RleHybrid.decode(new PageBytes(bytes, levelsAt, valuesAt), defWidth, n) : null;
                    int valuesLength = compressed - repLength - defLength;
                    byte[] values = d.bool(7, true) && codec != Codecs.UNCOMPRESSED
                            ? Codecs.decompress(codec, bytes, valuesAt, valuesLength, size - repLength - defLength)
                            : Arrays.copyOfRange(bytes, valuesAt, valuesAt + valuesLength);
                    place(col, d.i32(4, -1), new PageBytes(values, 0, values.length), def, dictionary, out, row, n);
                    row += n;
                }
                default -> {
                    // index pages and page types added later carry no values
                }
            }
            pos = bodyAt + compressed;
        }
        return out;
    }

    private static Struct header(Struct page, int field, String what) throws IOException {
        Struct s = page.struct(field);
        if (s == null) {
            throw new IOException("corrupt page: a " + what + " without its header");
        }
        return s;
    }

    private static int count(int n, int max) throws IOException {
        if (n < 0 || n > max) {
            throw new IOException("corrupt page: " + n + " values where at most " + max + " fit");
        }
        return n;
    }

    /** Decodes a page's values and puts them at their rows, nulls where the level says so. */
    private static void place(ParquetColumn col, int encoding, PageBytes in, int[] def, Object[] dictionary, Object[] out, int row, int n)
            throws IOException {
        int present = n;
        if (def != null) {
            present = 0;
            for (int i = 0; i < n; i++) {
                if (def[i] == col.maxDefinition()) {
                    present++;
                } else if (def[i] > col.maxDefinition()) {
                    throw new IOException("definition level " + def[i] + " above the column's maximum " + col.maxDefinition());
                }
            }
        }
        Object[] values = ValueDecoder.decode(col, encoding, in, present, dictionary);
        int k = 0;
        for (int i = 0; i < n; i++) {
            out[row + i] = def == null || def[i] == col.maxDefinition() ? values[k++] : null;
        }
    }

    private byte[] readAt(long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            int n = channel.read(b, position + b.position());
            if (n < 0) {
                throw new IOException("file ends at byte " + (position + b.position()) + ", wanted " + length + " bytes from " + position);
            }
        }
        return b.array();
    }
}
