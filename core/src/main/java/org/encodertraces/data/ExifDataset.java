package org.encodertraces.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.encodertraces.exif.Acquisition;
import org.encodertraces.exif.DeviceClass;
import org.encodertraces.exif.ExifReadException;
import org.encodertraces.exif.ExifReader;
import org.encodertraces.exif.FlickrExifLabels;
import org.encodertraces.exif.MakeLabels;

/**
 * Any folder of photos as a dataset labelled by its EXIF: one integer label tensor per FlickrExif
 * target attribute, named exactly as the benchmark's split files' {@code target_attribute}
 * ({@link #ATTRIBUTES}), plus {@code device_class}.
 *
 * <p>Each attribute's class names are the distinct normalised label strings
 * ({@link FlickrExifLabels}; Make by {@link MakeLabels}, one label per manufacturer unless the
 * FlickrExif labels are asked for) found in the folder, sorted by code point; {@code unknown} is kept
 * out of the class list and becomes the label -1. {@code device_class} has the classes
 * {@code NOT_SMARTPHONE} (0) and {@code SMARTPHONE} (1) of {@link DeviceClass}, -1 when neither
 * make nor model is recorded. A file whose metadata cannot be read at all stays in the dataset
 * with every label -1 and is listed in {@link Opened#failures()}.
 */
public final class ExifDataset {
    /** The FlickrExif target attributes, in the benchmark's spelling. */
    public static final List<String> ATTRIBUTES = List.of("Make", "Model", "Exposure", "Aperture", "Focal Length", "ISO Speed",
            "Flash", "Year", "Is Smartphone", "Smartphone Model");

    /** The device-class label tensor. */
    public static final String DEVICE_CLASS = "device_class";

    /** The class names of {@link #DEVICE_CLASS}, index order. */
    public static final List<String> DEVICE_CLASSES = List.of(DeviceClass.NOT_SMARTPHONE.name(), DeviceClass.SMARTPHONE.name());

    private static final Map<String, Function<Acquisition.Labels, String>> GETTERS = Map.of(
            "Make", Acquisition.Labels::make,
            "Model", Acquisition.Labels::model,
            "Exposure", Acquisition.Labels::exposure,
            "Aperture", Acquisition.Labels::aperture,
            "Focal Length", Acquisition.Labels::focalLength,
            "ISO Speed", Acquisition.Labels::iso,
            "Flash", Acquisition.Labels::flash,
            "Year", Acquisition.Labels::year,
            "Is Smartphone", Acquisition.Labels::isSmartphone,
            "Smartphone Model", Acquisition.Labels::smartphoneModel);

    /**
     * An opened folder.
     *
     * @param dataset  the samples with their label tensors
     * @param failures the files whose metadata could not be read (labels -1)
     */
    public record Opened(Dataset dataset, List<ReadFailure> failures) {
        public Opened {
            failures = List.copyOf(failures);
        }
    }

    private ExifDataset() {
    }

    /** The normalised label of one attribute (one of {@link #ATTRIBUTES}). */
    public static String label(Acquisition.Labels labels, String attribute) {
        Function<Acquisition.Labels, String> g = GETTERS.get(attribute);
        if (g == null) {
            throw new IllegalArgumentException("unknown attribute '" + attribute + "'; one of " + ATTRIBUTES);
        }
        return g.apply(labels);
    }

    /** Reads the EXIF of every image file under a folder (recursively, sorted, hidden files skipped), makes normalised. */
    public static Opened open(Path folder) throws IOException {
        return open(folder, MakeLabels.NORMALISED);
    }

    /**
     * Reads the EXIF of every image file under a folder (recursively, sorted, hidden files skipped).
     *
     * @param make how Make values become labels: one per manufacturer, or the FlickrExif labels exactly
     */
    public static Opened open(Path folder, MakeLabels make) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + ": not a folder");
        }
        List<Path> files;
        // symbolic links followed; a broken link or a loop stays in, so it is read (and recorded as failed) like any file
        files = org.encodertraces.io.FileTree.list(folder, ExifDataset::isImageName).stream()
                .map(org.encodertraces.io.FileTree.Entry::path).toList();
        if (files.isEmpty()) {
            throw new IOException(folder + ": no image files found");
        }
        ExifReader reader = new ExifReader();
        List<Acquisition.Labels> labels = new ArrayList<>();
        List<ReadFailure> failures = new ArrayList<>();
        for (Path f : files) {
            try {
                labels.add(withMake(reader.read(f).labels(), make));
            } catch (ExifReadException | RuntimeException e) {
                labels.add(null);
                failures.add(new ReadFailure(f, e.getMessage()));
            }
        }
        List<String> ids = files.stream().map(f -> ImageFolders.id(folder, f)).toList();
        String name = folder.toAbsolutePath().normalize().getFileName() == null ? "root"
                : folder.toAbsolutePath().normalize().getFileName().toString();
        return new Opened(build(Dataset.sanitize(name), folder.toString(), ids, files, labels), failures);
    }

    /** The labels with the Make label under the given rule. */
    public static Acquisition.Labels withMake(Acquisition.Labels l, MakeLabels make) {
        return new Acquisition.Labels(make.apply(l.make()), l.model(), l.exposure(), l.aperture(), l.focalLength(), l.iso(), l.flash(),
                l.year(), l.isSmartphone(), l.smartphoneModel());
    }

    /**
     * Builds the dataset from already-read labels (a null entry: every label -1).
     *
     * @param ids    sample ids, in order
     * @param files  the files, same order
     * @param labels the normalised labels, same order
     */
    public static Dataset build(String name, String source, List<String> ids, List<Path> files, List<Acquisition.Labels> labels) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        Map<String, Map<String, Long>> codes = new HashMap<>();
        for (String a : ATTRIBUTES) {
            TreeSet<String> values = new TreeSet<>(SplitBuilder::compareCodePoints);
            for (Acquisition.Labels l : labels) {
                String v = l == null ? FlickrExifLabels.UNKNOWN : label(l, a);
                if (!FlickrExifLabels.UNKNOWN.equals(v)) {
                    values.add(v);
                }
            }
            List<String> list = new ArrayList<>(values);
            Map<String, Long> m = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                m.put(list.get(i), (long) i);
            }
            names.put(a, list);
            codes.put(a, m);
        }
        names.put(DEVICE_CLASS, DEVICE_CLASSES);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Acquisition.Labels l = labels.get(i);
            Map<String, Long> s = new LinkedHashMap<>();
            for (String a : ATTRIBUTES) {
                String v = l == null ? FlickrExifLabels.UNKNOWN : label(l, a);
                s.put(a, codes.get(a).getOrDefault(v, -1L));
            }
            String phone = l == null ? FlickrExifLabels.UNKNOWN : l.isSmartphone();
            s.put(DEVICE_CLASS, "True".equals(phone) ? 1L : "False".equals(phone) ? 0L : -1L);
            samples.add(new Sample(ids.get(i), files.get(i), s));
        }
        return new Dataset(name, source, samples, names);
    }

    /**
     * The label string of every sample for one label tensor (samples labelled -1 left out), keyed by
     * {@link #splitIds(Dataset)}: the input of {@link SplitBuilder#build}.
     */
    public static Map<String, String> labelStrings(Dataset ds, String tensor) {
        List<String> names = ds.labelNames().get(tensor);
        if (names == null) {
            throw new IllegalArgumentException(ds.source() + ": no label tensor '" + tensor + "' with class names");
        }
        List<String> ids = splitIds(ds);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < ds.samples().size(); i++) {
            Long v = ds.samples().get(i).labels().get(tensor);
            if (v != null && v >= 0) {
                out.put(ids.get(i), names.get(v.intValue()));
            }
        }
        return out;
    }

    /**
     * The ids a split file uses for the samples: the file name without its extension when those are
     * unique in the dataset (FlickrExif photos are saved as {@code <Flickr ID>.jpg}, so this is the
     * Flickr ID), otherwise the sample id (the path relative to the folder).
     */
    public static List<String> splitIds(Dataset ds) {
        List<String> stems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean unique = true;
        for (Sample s : ds.samples()) {
            String n = s.file().getFileName().toString();
            int dot = n.lastIndexOf('.');
            String stem = dot > 0 ? n.substring(0, dot) : n;
            unique &= seen.add(stem);
            stems.add(stem);
        }
        return unique ? stems : ds.samples().stream().map(Sample::id).toList();
    }

    static boolean isImageName(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return !n.startsWith(".") && dot > 0 && ImageFolders.IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
    }
}
