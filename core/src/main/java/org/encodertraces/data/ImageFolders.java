package org.encodertraces.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.encodertraces.io.FileTree;

/**
 * Datasets from folders: one subfolder per class (torchvision's ImageFolder layout; class index
 * = position of the folder name in sorted order, label tensor {@code label}), or any folder of
 * photos without class folders (no semantic label). Files are listed recursively and sorted, so
 * the order is stable; hidden files and files without an image extension are ignored. Symbolic
 * links are followed ({@link FileTree}); a broken link or a link loop is kept as a sample, so
 * the batch that reads it records it as failed with the reason instead of leaving it out.
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
        List<FileTree.Entry> entries = list(root);
        List<Path> files = entries.stream().map(FileTree.Entry::path).toList();
        List<Path> readable = entries.stream().filter(FileTree.Entry::ok).map(FileTree.Entry::path).toList();
        if (files.isEmpty()) {
            throw new IOException(root + ": no image files found");
        }
        // the layout is decided by the files that are there; a broken link or a loop does not turn class folders into a flat folder
        boolean classFolders = (readable.isEmpty() ? files : readable).stream().allMatch(f -> root.relativize(f).getNameCount() >= 2);
        String name = Dataset.sanitize(root.toAbsolutePath().normalize().getFileName() == null ? "root"
                : root.toAbsolutePath().normalize().getFileName().toString());
        List<Sample> samples = new ArrayList<>();
        if (!classFolders) {
            for (Path f : files) {
                samples.add(new Sample(id(root, f), f, Map.of()));
            }
            return new Dataset(name, root.toString(), samples, Map.of());
        }
        List<String> classes = (readable.isEmpty() ? files : readable).stream().filter(f -> root.relativize(f).getNameCount() >= 2)
                .map(f -> root.relativize(f).getName(0).toString()).distinct().sorted().toList();
        for (Path f : files) {
            // -1 (no label) for a broken entry outside every class folder
            long label = root.relativize(f).getNameCount() >= 2 ? classes.indexOf(root.relativize(f).getName(0).toString()) : -1;
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

    /**
     * The image files under {@code root} (by extension), symbolic links followed, sorted, with the
     * broken links and loops among them as entries with their problem.
     */
    public static List<FileTree.Entry> list(Path root) throws IOException {
        return FileTree.list(root, ImageFolders::isImageName);
    }

    /** Whether a file name has one of the {@link #IMAGE_EXTENSIONS}. */
    public static boolean isImageName(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
