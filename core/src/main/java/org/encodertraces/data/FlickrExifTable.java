package org.encodertraces.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.encodertraces.data.parquet.ParquetFile;

/**
 * The FlickrExif benchmark's table: one row per photo with its {@code Flickr ID}, the {@code url}
 * to download it from, and EXIF columns (those named as the split files' target attributes,
 * {@link ExifDataset#ATTRIBUTES}, become label tensors).
 *
 * <p>Read from the published parquet ({@link ParquetFile}) or from a CSV or TSV. Parquet values
 * become the text pandas' {@code to_csv} would write (integers in decimal, so an int64
 * {@code Flickr ID} reads as digits; floats as Python prints them, so a float {@code Year} reads
 * {@code 2019.0}; nulls empty), so both forms give the same rows and labels.
 *
 * @param source  the table file
 * @param columns the header
 * @param rows    the rows in file order
 */
public record FlickrExifTable(Path source, List<String> columns, List<Row> rows) {
    /** The id column. */
    public static final String ID_COLUMN = "Flickr ID";
    /** The download address column. */
    public static final String URL_COLUMN = "url";

    /**
     * One photo.
     *
     * @param flickrId the Flickr photo id (digits)
     * @param url      where to download it (may be empty; the download then records a failure)
     * @param values   every other column by name, as written
     */
    public record Row(String flickrId, String url, Map<String, String> values) {
        public Row {
            values = Map.copyOf(values);
        }
    }

    public FlickrExifTable {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /** Reads a parquet, CSV or TSV table; errors name the file, the line (row) and the reason. */
    public static FlickrExifTable read(Path file) throws IOException {
        CsvTable t;
        if (ParquetTables.isParquet(file)) {
            try (ParquetFile pf = ParquetFile.open(file)) {
                t = ParquetTables.text(pf, c -> true);
            }
        } else {
            t = CsvTable.read(file);
        }
        int idCol = t.require(ID_COLUMN, "the Flickr photo id");
        int urlCol = t.require(URL_COLUMN, "the photo's download address");
        List<Row> rows = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int r = 0; r < t.rows().size(); r++) {
            List<String> row = t.rows().get(r);
            String id = normaliseId(row.get(idCol));
            if (id == null) {
                throw new IOException(t.where(r) + ": Flickr ID '" + row.get(idCol) + "' is not a number");
            }
            if (id.length() == 19 && id.compareTo(Long.toString(Long.MAX_VALUE)) > 0) {
                throw new IOException(t.where(r) + ": Flickr ID " + id + " is larger than " + Long.MAX_VALUE
                        + ", the largest id the 'Flickr ID' label tensor (int64) can hold");
            }
            Integer prev = seen.put(id, r);
            if (prev != null) {
                throw new IOException(t.where(r) + ": Flickr ID " + id + " already at " + t.where(prev));
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int c = 0; c < row.size(); c++) {
                if (c != idCol && c != urlCol) {
                    values.put(t.header().get(c), row.get(c));
                }
            }
            rows.add(new Row(id, row.get(urlCol), values));
        }
        return new FlickrExifTable(file, t.header(), rows);
    }

    /** Ids written by pandas as floats ("1234.0") are accepted; anything else must be digits. */
    private static String normaliseId(String s) {
        String v = s.strip();
        if (v.endsWith(".0")) {
            v = v.substring(0, v.length() - 2);
        }
        return v.matches("\\d{1,19}") ? v.replaceFirst("^0+(?=\\d)", "") : null;
    }

    /** The file a photo is saved as: {@code <Flickr ID>.jpg}. */
    public static String fileName(String flickrId) {
        return flickrId + ".jpg";
    }

    /** The download jobs of every row. */
    public List<PhotoDownloader.Job> jobs() {
        return rows.stream().map(r -> new PhotoDownloader.Job(r.flickrId(), r.url(), fileName(r.flickrId()))).toList();
    }

    /**
     * The downloaded photos as a dataset: the rows whose {@code <Flickr ID>.jpg} is in the folder,
     * in table order, with the label tensor {@code Flickr ID} (the id itself) and one label tensor
     * per attribute column (class names sorted by code point; empty, {@code unknown} or
     * {@code nan} values are -1). Labels come from the table, not from the files: photos served by
     * Flickr may have lost their EXIF.
     */
    public Dataset toDataset(Path photos) {
        List<String> attrs = ExifDataset.ATTRIBUTES.stream().filter(columns::contains).toList();
        List<Row> present = rows.stream().filter(r -> Files.isRegularFile(photos.resolve(fileName(r.flickrId())))).toList();
        Map<String, List<String>> names = new LinkedHashMap<>();
        Map<String, Map<String, Long>> codes = new HashMap<>();
        for (String a : attrs) {
            TreeSet<String> vals = new TreeSet<>(SplitBuilder::compareCodePoints);
            for (Row r : present) {
                String v = r.values().get(a);
                if (known(v)) {
                    vals.add(v);
                }
            }
            List<String> list = new ArrayList<>(vals);
            Map<String, Long> m = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                m.put(list.get(i), (long) i);
            }
            names.put(a, list);
            codes.put(a, m);
        }
        List<Sample> samples = new ArrayList<>();
        for (Row r : present) {
            Map<String, Long> l = new LinkedHashMap<>();
            l.put(ID_COLUMN, Long.parseLong(r.flickrId()));
            for (String a : attrs) {
                l.put(a, codes.get(a).getOrDefault(r.values().get(a), -1L));
            }
            samples.add(new Sample(r.flickrId(), photos.resolve(fileName(r.flickrId())), l));
        }
        String n = source.getFileName().toString();
        return new Dataset(Dataset.sanitize(n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n), source.toString(), samples, names);
    }

    private static boolean known(String v) {
        return v != null && !v.isBlank() && !v.equalsIgnoreCase("unknown") && !v.equalsIgnoreCase("nan") && !v.equalsIgnoreCase("none");
    }
}
