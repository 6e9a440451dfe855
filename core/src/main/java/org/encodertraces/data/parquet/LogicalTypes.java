package org.encodertraces.data.parquet;

import org.encodertraces.data.parquet.ThriftCompact.Struct;

/** The annotation of a schema element as one name: its LogicalType if set, else its ConvertedType. */
final class LogicalTypes {
    private static final String[] CONVERTED = {"STRING", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS",
        "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8", "INT_16", "INT_32",
        "INT_64", "JSON", "BSON", "INTERVAL"};

    private LogicalTypes() {
    }

    static String of(Struct element) {
        Struct logical = element.struct(10);
        if (logical != null && !logical.fields().isEmpty()) {
            int kind = logical.fields().keySet().iterator().next();
            String name = switch (kind) {
                case 1 -> "STRING";
                case 2 -> "MAP";
                case 3 -> "LIST";
                case 4 -> "ENUM";
                case 5 -> "DECIMAL";
                case 6 -> "DATE";
                case 7 -> "TIME";
                case 8 -> "TIMESTAMP";
                case 10 -> integer(logical.struct(10));
                case 11 -> "UNKNOWN";
                case 12 -> "JSON";
                case 13 -> "BSON";
                case 14 -> "UUID";
                case 15 -> "FLOAT16";
                default -> null;
            };
            if (name != null) {
                return name;
            }
        }
        int converted = element.i32(6, -1);
        return converted >= 0 && converted < CONVERTED.length ? CONVERTED[converted] : null;
    }

    private static String integer(Struct t) {
        if (t == null) {
            return "INTEGER";
        }
        return (t.bool(2, true) ? "INT_" : "UINT_") + t.i32(1, 0);
    }
}
