package org.encodertraces.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Datasets from folders: one subfolder per class (torchvision's ImageFolder layout; class index
 * = position of the folder name in sorted order, label tensor {@code label}), or any folder of
 * photos without class folders (no semantic label). Files are listed recursively and sorted, so
 * the order is stable; hidden files and files without an image extension are ignored.
 */
public final class ImageFolders {
    /** Extensions taken as images (case-insensitive); the decoder still checks the content. */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp", "heic", "heif");

    private ImageFolders() {
    }

    /** Opens a folder as a dataset: class folders when every image sits in a first-level subfolder. */
    public static Dataset open(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": not a folder");
        }
        List<Path> files = list(root);
        if (files.isEmpty()) {
            throw new IOException(root + ": no image files found");
        }
        boolean classFolders = files.stream().allMatch(f -> root.relativize(f).getNameCount() >= 2);
        String name = Dataset.sanitize(root.toAbsolutePath().normalize().getFileName() == null ? "root"
                : root.toAbsolutePath().normalize().getFileName().toString());
        List<Sample> samples = new ArrayList<>();
        if (!classFolders) {
            for (Path f : files) {
                samples.add(new Sample(id(root, f), f, Map.of()));
            }
            return new Dataset(name, root.toString(), samples, Map.of());
        }
        List<String> classes = files.stream().map(f -> root.relativize(f).getName(0).toString()).distinct().sorted().toList();
        for (Path f : files) {
            long label = classes.indexOf(root.relativize(f).getName(0).toString());
            samples.add(new Sample(id(root, f), f, Map.of("label", label)));
        }
        return new Dataset(name, root.toString(), samples, Map.of("label", classes));
    }

    /**
     * The sample id of a file under a folder: its path below the folder, folders joined by
     * {@code /} on every platform. Only the platform's separator splits names: on Linux a
     * backslash is part of a file name, so {@code back\\slash.jpg} and {@code back/slash.jpg} keep
     * two ids.
     */
    static String id(Path root, Path f) {
        StringBuilder b = new StringBuilder();
        for (Path part : root.relativize(f)) {
            b.append(b.length() == 0 ? "" : "/").append(part);
        }
        return b.toString();
    }

    private static List<Path> list(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .filter(f -> {
                        String n = f.getFileName().toString();
                        int dot = n.lastIndexOf('.');
                        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
                    })
                    .sorted()
                    .toList();
        }
    }
}
