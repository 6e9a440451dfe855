package org.encodertraces.data.parquet;

/**
 * One leaf column of a parquet file's schema.
 *
 * @param path          the dotted path from the top level ({@code Flickr ID}, {@code image.bytes})
 * @param type          the physical type
 * @param typeLength    bytes per value of a {@code FIXED_LEN_BYTE_ARRAY}, else 0
 * @param logicalType   the annotation that changes how values read ({@code STRING}, {@code INT_8},
 *                      {@code UINT_32}, {@code DATE}, {@code DECIMAL}, ...), or null
 * @param maxDefinition the highest definition level (the number of optional fields on the path)
 * @param maxRepetition the highest repetition level (non-zero inside lists, which are not read)
 */
public record ParquetColumn(String path, PhysicalType type, int typeLength, String logicalType, int maxDefinition, int maxRepetition) {

    /** Parquet's physical types, in the format's numbering. */
    public enum PhysicalType {
        BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY
    }

    /** True when values read as {@code String} (a {@code BYTE_ARRAY} annotated as text). */
    public boolean isText() {
        return type == PhysicalType.BYTE_ARRAY && logicalType != null
                && (logicalType.equals("STRING") || logicalType.equals("ENUM") || logicalType.equals("JSON"));
    }

    /**
     * The Java class of this column's values as {@link ParquetFile#read} returns them:
     * {@code Boolean}, {@code Integer}, {@code Long}, {@code Float}, {@code Double}, {@code String}
     * (text) or {@code byte[]}.
     */
    public Class<?> valueClass() {
        return switch (type) {
            case BOOLEAN -> Boolean.class;
            case INT32 -> Integer.class;
            case INT64 -> Long.class;
            case FLOAT -> Float.class;
            case DOUBLE -> Double.class;
            case BYTE_ARRAY -> isText() ? String.class : byte[].class;
            case INT96, FIXED_LEN_BYTE_ARRAY -> byte[].class;
        };
    }
}
