package org.encodertraces.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.encodertraces.data.parquet.ParquetColumn;
import org.encodertraces.data.parquet.ParquetFile;
import org.encodertraces.exif.DeviceClass;

/**
 * The PairCams table: photos of the same subjects taken with different devices, for the study's
 * retrieval experiment (does a query find the same-device photo of another subject before the
 * other-device photo of its own subject?).
 *
 * <p>Read from the published parquet ({@link ParquetFile}; the image column is Hugging Face's
 * Image struct {@code image {bytes, path}} or plain binary {@code image}, read one row group at a
 * time) or from a CSV or TSV, with the columns {@code subject} (the pair / subject index),
 * {@code camera_model}, and either {@code path} (relative to the table's folder, or absolute) or
 * {@code image} (the file's bytes; base64 in a CSV, as the parquet's image column reads once
 * exported). Optional: {@code id} (sample id; default the path or {@code row-<n>}),
 * {@code camera_make} (helps {@link DeviceClass}) and {@code device} ({@code phone}/{@code camera},
 * {@code smartphone}, {@code 1}/{@code 0} or {@code True}/{@code False}), which overrides the
 * rule. Embedded images are written once to an image folder ({@code <id>.<jpg|png|...>}, by the
 * bytes' magic number) and reused when already there with the same size.
 *
 * <p>Label tensors: {@code subject} (the integer when every value is one, else the index of the
 * sorted value), {@code device} (0 camera, 1 phone: {@link DeviceClass#SMARTPHONE} is a phone,
 * everything else a camera) and {@code model} (index of the sorted camera model).
 */
public final class PairCams {
    /** Class names of the {@code device} label. */
    public static final List<String> DEVICES = List.of("camera", "phone");

    private PairCams() {
    }

    /**
     * Opens a table.
     *
     * @param table     the parquet, CSV or TSV file
     * @param imagesDir where to write embedded images (needed only for an {@code image} column);
     *                  null for {@code <table name>.images} beside the table
     */
    public static Dataset open(Path table, Path imagesDir) throws IOException {
        if (ParquetTables.isParquet(table)) {
            try (ParquetFile pf = ParquetFile.open(table)) {
                String image = imageColumn(pf);
                CsvTable t = ParquetTables.text(pf, TEXT_COLUMNS::contains);
                return build(t, imagesDir, image == null ? null : new ParquetImages(pf, image));
            }
        }
        CsvTable t = CsvTable.read(table);
        int image = t.column("image");
        return build(t, imagesDir, image < 0 ? null : r -> {
            String cell = t.rows().get(r).get(image);
            try {
                return cell.isEmpty() ? null : Base64.getMimeDecoder().decode(cell);
            } catch (IllegalArgumentException e) {
                throw new IOException(t.where(r) + ": image column is not base64: " + e.getMessage(), e);
            }
        });
    }

    /** The columns read as text from a parquet table. */
    private static final Set<String> TEXT_COLUMNS = Set.of("subject", "camera_model", "path", "id", "camera_make", "device");

    /** A row's image bytes, or null when it has none. */
    private interface Images {
        byte[] get(int row) throws IOException;
    }

    /** The leaf holding a parquet table's image bytes: {@code image.bytes} (Hugging Face's Image) or a binary {@code image}. */
    private static String imageColumn(ParquetFile pf) throws IOException {
        for (String name : List.of("image.bytes", "image")) {
            ParquetColumn c = pf.column(name);
            if (c != null) {
                if (c.valueClass() != byte[].class) {
                    throw new IOException(pf.path() + ": column '" + name + "' holds " + c.type() + " values, not image bytes");
                }
                return name;
            }
        }
        return null;
    }

    /** A parquet image column read one row group at a time, for rows visited in order. */
    private static final class ParquetImages implements Images {
        private final ParquetFile pf;
        private final String column;
        private int group = -1;
        private long start;
        private long end;
        private Object[] values;

        ParquetImages(ParquetFile pf, String column) {
            this.pf = pf;
            this.column = column;
        }

        @Override
        public byte[] get(int row) throws IOException {
            if (row < start) {
                group = -1;
                end = 0;
            }
            while (row >= end) {
                group++;
                start = end;
                end = start + pf.rowGroupRowCount(group);
                values = null;
            }
            if (values == null) {
                values = pf.read(group, column);
            }
            return (byte[]) values[(int) (row - start)];
        }
    }

    private static Dataset build(CsvTable t, Path imagesDir, Images images) throws IOException {
        Path table = t.file();
        int subj = t.require("subject", "the pair / subject index");
        int model = t.require("camera_model", "the device that took the photo");
        int path = t.column("path");
        if (path < 0 && images == null) {
            throw new IOException(table + ": needs a 'path' or an 'image' column; header is " + t.header());
        }
        int idCol = t.column("id");
        int make = t.column("camera_make");
        int device = t.column("device");
        Path base = table.toAbsolutePath().getParent();
        Path out = imagesDir != null ? imagesDir : base.resolve(table.getFileName() + ".images");
        boolean intSubjects = t.rows().stream().allMatch(r -> r.get(subj).matches("-?\\d{1,18}"));
        List<String> subjects = intSubjects ? null : new ArrayList<>(new TreeSet<>(t.rows().stream().map(r -> r.get(subj)).toList()));
        List<String> models = new ArrayList<>(new TreeSet<>(t.rows().stream().map(r -> r.get(model)).toList()));
        List<Sample> samples = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int r = 0; r < t.rows().size(); r++) {
            List<String> row = t.rows().get(r);
            String where = t.where(r);
            if (row.get(model).isEmpty()) {
                throw new IOException(where + ": empty camera_model");
            }
            String id = idCol >= 0 ? row.get(idCol) : path >= 0 && !row.get(path).isEmpty() ? row.get(path).replace('\\', '/') : "row-" + (r + 1);
            if (id.isEmpty() || seen.put(id, r) != null) {
                throw new IOException(where + ": sample id '" + id + "' is empty or listed twice");
            }
            Path file;
            byte[] bytes;
            if (path >= 0 && !row.get(path).isEmpty()) {
                file = base.resolve(row.get(path)).normalize();
            } else if (images != null && (bytes = images.get(r)) != null && bytes.length > 0) {
                file = writeOnce(out, id, bytes, where);
            } else {
                throw new IOException(where + ": neither a path nor an image");
            }
            long dev = device >= 0 ? deviceValue(row.get(device), where)
                    : DeviceClass.of(make >= 0 ? row.get(make) : null, row.get(model)) == DeviceClass.SMARTPHONE ? 1 : 0;
            Map<String, Long> labels = new LinkedHashMap<>();
            labels.put("subject", intSubjects ? Long.parseLong(row.get(subj)) : subjects.indexOf(row.get(subj)));
            labels.put("device", dev);
            labels.put("model", (long) models.indexOf(row.get(model)));
            samples.add(new Sample(id, file, labels));
        }
        Map<String, List<String>> names = new LinkedHashMap<>();
        if (subjects != null) {
            names.put("subject", subjects);
        }
        names.put("device", DEVICES);
        names.put("model", models);
        String n = table.getFileName().toString();
        return new Dataset(Dataset.sanitize(n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n), table.toString(), samples, names);
    }

    /** Writes an embedded image as {@code <id>.<ext>} unless a file of that name and size is there already. */
    private static Path writeOnce(Path out, String id, byte[] bytes, String where) throws IOException {
        if (!id.matches("[A-Za-z0-9._-]+")) {
            throw new IOException(where + ": id '" + id + "' cannot name an image file (letters, digits, '.', '_', '-')");
        }
        Path file = out.resolve(id + "." + extension(bytes));
        Files.createDirectories(out);
        if (!Files.isRegularFile(file) || Files.size(file) != bytes.length) {
            org.encodertraces.io.AtomicFiles.writeBytes(file, bytes);
        }
        return file;
    }

    /** True when a CSV/TSV header has PairCams' columns ({@code subject} and {@code camera_model}). */
    public static boolean looksLike(Path table) {
        try (var lines = Files.lines(table)) {
            String h = lines.findFirst().orElse("");
            return h.contains("subject") && h.contains("camera_model");
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static long deviceValue(String v, String where) throws IOException {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "phone", "smartphone", "1", "true", "yes" -> 1;
            case "camera", "0", "false", "no" -> 0;
            default -> throw new IOException(where + ": device '" + v + "' is neither phone nor camera");
        };
    }

    private static String extension(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            return "jpg";
        }
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "png";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E') {
            return "webp";
        }
        if (b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return "heic";
        }
        return "bin";
    }
}
