package org.encodertraces.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.encodertraces.data.parquet.ParquetFile;
import org.encodertraces.exif.MakeLabels;

/**
 * Opens any dataset the toolkit reads from a path or a spec string, so that commands such as
 * {@code traces embed} and {@code traces datasets audit} take all of them.
 *
 * <p>A spec is {@code [kind:]path[?key=value&...]}. With a kind, that reader is used:
 * <ul>
 *   <li>{@code classes:DIR}: one subfolder per class ({@link ImageFolders}, label {@code label});</li>
 *   <li>{@code exif:DIR[?make=normalised|flickrexif]}: any folder of photos labelled by EXIF
 *       ({@link ExifDataset}); Make labels one per manufacturer, or the FlickrExif labels exactly
 *       ({@link MakeLabels});</li>
 *   <li>{@code manifest:FILE.csv|tsv}: path plus label columns ({@link Manifests});</li>
 *   <li>{@code imagenet-train:ROOT}, {@code imagenet-val:ROOT}: {@link ImageNetLayout};</li>
 *   <li>{@code inat:ANNOTATIONS.json[?root=DIR]}: COCO-style iNaturalist 2018 annotations, images
 *       relative to {@code root} (default: the JSON's folder);</li>
 *   <li>{@code inat-list:LIST.txt[?root=DIR&categories=FILE.json]}: the list format of
 *       {@link INaturalist2018#openList};</li>
 *   <li>{@code paircams:TABLE.parquet|csv|tsv[?images=DIR]}: {@link PairCams};</li>
 *   <li>{@code zip:ARCHIVE.zip[!/PREFIX]}: class folders inside a zip archive, read in place
 *       ({@link ZipDataset});</li>
 *   <li>{@code captions:ARCHIVE.zip|DIR?split=train|test}: images with their captions
 *       ({@link CaptionsDataset}; {@link #openCaptions} gives the captions too);</li>
 *   <li>{@code flickrexif:TABLE.parquet|csv|tsv[?photos=DIR]}: downloaded FlickrExif photos with the
 *       table's labels ({@link FlickrExifTable#toDataset}); photos default to {@code photos/}
 *       beside the table.</li>
 * </ul>
 * Without a kind the path decides: a folder with an ImageNet {@code train/} or {@code val/} (only
 * one of them present, else name the split), a folder whose images all sit in subfolders (class
 * folders), any other folder (EXIF photos); a {@code .csv}/{@code .tsv} with {@code subject} and
 * {@code camera_model} columns (PairCams), with a {@code Flickr ID} column (FlickrExif), or any
 * other (manifest); a {@code .parquet} with PairCams' or FlickrExif's columns; a {@code .json}
 * (iNaturalist annotations); a {@code .txt} (iNaturalist list); a {@code .zip} (class folders at
 * the archive's root).
 */
public final class Datasets {
    /** The kinds a spec may name. */
    public static final List<String> KINDS = List.of("classes", "exif", "manifest", "imagenet-train", "imagenet-val", "inat", "inat-list",
            "paircams", "flickrexif", "zip", "captions");

    /**
     * An opened dataset.
     *
     * @param dataset  the samples
     * @param kind     the reader used (one of {@link #KINDS})
     * @param failures files whose labels could not be read (kept with unknown labels); empty for most kinds
     * @param notes    what a user should know about what was left out, one sentence each
     */
    public record Opened(Dataset dataset, String kind, List<ReadFailure> failures, List<String> notes) {
        public Opened {
            failures = List.copyOf(failures);
            notes = List.copyOf(notes);
        }

        /** Without notes. */
        public Opened(Dataset dataset, String kind, List<ReadFailure> failures) {
            this(dataset, kind, failures, List.of());
        }
    }

    private Datasets() {
    }

    /** Opens a path, choosing the reader from what it holds. */
    public static Opened open(Path path) throws IOException {
        return open(path, null, Map.of(), MakeLabels.NORMALISED);
    }

    /** Opens a spec ({@code [kind:]path[?key=value&...]}). */
    public static Opened open(String spec) throws IOException {
        return open(spec, MakeLabels.NORMALISED);
    }

    /**
     * Opens a spec, with {@code make} as the Make rule of EXIF folders unless the spec names one
     * ({@code exif:DIR?make=flickrexif}).
     */
    public static Opened open(String spec, MakeLabels make) throws IOException {
        String kind = null;
        String rest = spec;
        int colon = spec.indexOf(':');
        if (colon > 0 && KINDS.contains(spec.substring(0, colon))) {
            kind = spec.substring(0, colon);
            rest = spec.substring(colon + 1);
        }
        Map<String, String> opts = new LinkedHashMap<>();
        int q = rest.lastIndexOf('?');
        if (q >= 0 && rest.substring(q + 1).matches("[a-z][a-z-]*=[^&]*(&[a-z][a-z-]*=[^&]*)*")) {
            for (String kv : rest.substring(q + 1).split("&")) {
                int eq = kv.indexOf('=');
                opts.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            rest = rest.substring(0, q);
        }
        if (rest.isEmpty()) {
            throw new IOException("dataset spec '" + spec + "' names no path");
        }
        int bang = rest.indexOf("!/");
        if ("zip".equals(kind) || (kind == null && bang > 0 && rest.substring(0, bang).toLowerCase(Locale.ROOT).endsWith(".zip"))) {
            Path archive = Path.of(bang > 0 ? rest.substring(0, bang) : rest);
            return ok(ZipDataset.open(archive, bang > 0 ? rest.substring(bang + 2) : ""), "zip");
        }
        return open(Path.of(rest), kind, opts, make);
    }

    /**
     * Opens a caption set's spec ({@code captions:PATH?split=train|test}) with its captions.
     *
     * @throws IOException for a spec of another kind, or naming the file and the reason
     */
    public static CaptionsDataset openCaptions(String spec) throws IOException {
        Map<String, String> opts = new LinkedHashMap<>();
        Path p = captionsPath(spec, opts);
        CaptionsDataset c = CaptionsDataset.open(p, CaptionsDataset.splitOption(p, opts));
        CaptionClasses rule = captionClasses(spec, opts);
        return rule == null ? c : rule.apply(c, classesSuffix(opts)).captions();
    }

    /**
     * Opens a caption set's spec that names its classes ({@code captions:PATH?split=test&classes=flickr8k}, see
     * {@link CaptionClasses}): the labelled images with the counts kept and left out.
     */
    public static CaptionClasses.Labelled openCaptionClasses(String spec) throws IOException {
        Map<String, String> opts = new LinkedHashMap<>();
        Path p = captionsPath(spec, opts);
        CaptionClasses rule = captionClasses(spec, opts);
        if (rule == null) {
            throw new IOException("dataset spec '" + spec + "' names no classes (add &classes=flickr8k, or &classes=name:word|word,name:word|word)");
        }
        return rule.apply(CaptionsDataset.open(p, CaptionsDataset.splitOption(p, opts)), classesSuffix(opts));
    }

    private static Path captionsPath(String spec, Map<String, String> opts) throws IOException {
        if (!spec.startsWith("captions:")) {
            throw new IOException("'" + spec + "' is not a caption set (captions:ARCHIVE.zip?split=train|test, or a folder of that layout)");
        }
        String rest = spec.substring("captions:".length());
        int q = rest.lastIndexOf('?');
        if (q >= 0) {
            for (String kv : rest.substring(q + 1).split("&")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IOException("dataset spec '" + spec + "': option '" + kv + "' is not key=value");
                }
                opts.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            rest = rest.substring(0, q);
        }
        if (rest.isEmpty()) {
            throw new IOException("dataset spec '" + spec + "' names no path");
        }
        return Path.of(rest);
    }

    /** The spec's caption-class rule ({@code classes=}, {@code min-captions=}), or null. */
    private static CaptionClasses captionClasses(String spec, Map<String, String> opts) throws IOException {
        String classes = opts.get("classes");
        if (classes == null) {
            if (opts.containsKey("min-captions")) {
                throw new IOException("dataset spec '" + spec + "': min-captions needs classes= (e.g. &classes=flickr8k)");
            }
            return null;
        }
        int min = CaptionClasses.DEFAULT_MIN_CAPTIONS;
        if (opts.containsKey("min-captions")) {
            try {
                min = Integer.parseInt(opts.get("min-captions"));
            } catch (NumberFormatException e) {
                throw new IOException("dataset spec '" + spec + "': min-captions '" + opts.get("min-captions") + "' is not a whole number");
            }
        }
        try {
            return CaptionClasses.parse(classes, min);
        } catch (IllegalArgumentException e) {
            throw new IOException("dataset spec '" + spec + "': " + e.getMessage(), e);
        }
    }

    private static String classesSuffix(Map<String, String> opts) {
        return "&classes=" + opts.get("classes") + (opts.containsKey("min-captions") ? "&min-captions=" + opts.get("min-captions") : "");
    }

    private static Opened captionsOpened(Path p, String spec, Map<String, String> opts, String k) throws IOException {
        CaptionsDataset c = CaptionsDataset.open(p, CaptionsDataset.splitOption(p, opts));
        CaptionClasses rule = captionClasses(spec, opts);
        if (rule == null) {
            return new Opened(c.dataset(), k, List.of(), List.of());
        }
        CaptionClasses.Labelled l = rule.apply(c, classesSuffix(opts));
        return new Opened(l.captions().dataset(), k, List.of(), List.of(l.note()));
    }

    private static Opened open(Path p, String kind, Map<String, String> opts, MakeLabels make) throws IOException {
        if (!Files.exists(p)) {
            String link = Files.isSymbolicLink(p) ? org.encodertraces.io.FileProblems.linkProblem(p) : null;
            throw new IOException(p + ": " + (link != null ? link : "no such file or folder"));
        }
        String k = kind != null ? kind : detect(p);
        Path parent = p.toAbsolutePath().getParent();
        return switch (k) {
            case "classes" -> ok(ImageFolders.open(p), k);
            case "exif" -> {
                ExifDataset.Opened o = ExifDataset.open(p, opts.containsKey("make") ? MakeLabels.parse(opts.get("make")) : make);
                yield new Opened(o.dataset(), k, o.failures());
            }
            case "manifest" -> ok(Manifests.open(p), k);
            case "imagenet-train" -> ok(ImageNetLayout.open(p, "train"), k);
            case "imagenet-val" -> ok(ImageNetLayout.open(p, "val"), k);
            case "inat" -> ok(INaturalist2018.openAnnotations(p, opts.containsKey("root") ? Path.of(opts.get("root")) : parent), k);
            case "inat-list" -> {
                Path cats = opts.containsKey("categories") ? Path.of(opts.get("categories"))
                        : Files.isRegularFile(parent.resolve("categories.json")) ? parent.resolve("categories.json") : null;
                yield ok(INaturalist2018.openList(p, opts.containsKey("root") ? Path.of(opts.get("root")) : parent, cats), k);
            }
            case "paircams" -> ok(PairCams.open(p, opts.containsKey("images") ? Path.of(opts.get("images")) : null), k);
            case "zip" -> ok(ZipDataset.open(p, ""), k);
            case "captions" -> captionsOpened(p, "captions:" + p, opts, k);
            case "flickrexif" -> flickrExif(p, opts.containsKey("photos") ? Path.of(opts.get("photos")) : parent.resolve("photos"));
            default -> throw new IllegalStateException(k);
        };
    }

    /** The downloaded photos of a FlickrExif table; none is an error, missing ones a note. */
    private static Opened flickrExif(Path table, Path photos) throws IOException {
        FlickrExifTable t = FlickrExifTable.read(table);
        Dataset d = t.toDataset(photos);
        int missing = t.rows().size() - d.samples().size();
        if (d.samples().isEmpty() && missing > 0) {
            throw new IOException(table + ": none of its " + missing + " photos is in " + photos
                    + " (as <Flickr ID>.jpg); download them first: traces datasets download-flickrexif --table " + table
                    + " --out " + photos + ", or name the folder with ?photos=DIR");
        }
        List<String> notes = missing == 0 ? List.of()
                : List.of(missing + " of the table's " + t.rows().size() + " photos are not in " + photos
                        + " (not downloaded, or the download failed) and are left out");
        return new Opened(d, "flickrexif", List.of(), notes);
    }

    private static Opened ok(Dataset d, String kind) {
        return new Opened(d, kind, List.of());
    }

    /** The kind {@link #open(Path)} would use for a path. */
    public static String detect(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            if (ImageNetLayout.looksLike(p)) {
                boolean train = Files.isDirectory(p.resolve("train"));
                boolean val = Files.isDirectory(p.resolve("val"));
                if (train && val) {
                    throw new IOException(p + ": an ImageNet folder with train/ and val/: say imagenet-train:" + p + " or imagenet-val:" + p);
                }
                return train ? "imagenet-train" : "imagenet-val";
            }
            List<org.encodertraces.io.FileTree.Entry> entries = org.encodertraces.io.FileTree.list(p, ExifDataset::isImageName);
            List<Path> images = entries.stream().filter(org.encodertraces.io.FileTree.Entry::ok)
                    .map(org.encodertraces.io.FileTree.Entry::path).toList();
            if (images.isEmpty()) {
                images = entries.stream().map(org.encodertraces.io.FileTree.Entry::path).toList();
            }
            if (images.isEmpty()) {
                throw new IOException(p + ": no image files found");
            }
            return images.stream().allMatch(f -> p.relativize(f).getNameCount() >= 2) ? "classes" : "exif";
        }
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv") || n.endsWith(".tsv")) {
            if (PairCams.looksLike(p)) {
                return "paircams";
            }
            try (Stream<String> lines = Files.lines(p)) {
                if (lines.findFirst().orElse("").contains(FlickrExifTable.ID_COLUMN)) {
                    return "flickrexif";
                }
            } catch (java.io.UncheckedIOException e) {
                throw new IOException(p + ": cannot read the header: " + e.getCause().getMessage(), e.getCause());
            }
            return "manifest";
        }
        if (n.endsWith(".parquet")) {
            try (ParquetFile pf = ParquetFile.open(p)) {
                if (pf.column("subject") != null && pf.column("camera_model") != null) {
                    return "paircams";
                }
                if (pf.column(FlickrExifTable.ID_COLUMN) != null) {
                    return "flickrexif";
                }
            }
            throw new IOException(p + ": a parquet table with neither PairCams' 'subject' and 'camera_model' columns nor FlickrExif's '"
                    + FlickrExifTable.ID_COLUMN + "'; cannot tell which dataset it is (use kind:path, kinds " + KINDS + ")");
        }
        if (n.endsWith(".json")) {
            return "inat";
        }
        if (n.endsWith(".txt")) {
            return "inat-list";
        }
        if (n.endsWith(".zip")) {
            return "zip";
        }
        throw new IOException(p + ": not a folder, .csv, .tsv, .parquet, .json, .txt or .zip; cannot tell which dataset it is (use kind:path, kinds " + KINDS + ")");
    }
}
