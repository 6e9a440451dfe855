package org.encodertraces.data;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A class-folder dataset inside a zip archive ({@code zip:ARCHIVE.zip[!/PREFIX]}), read in place:
 * the images under {@code PREFIX} must sit directly in one folder per class
 * ({@code PREFIX/<class>/<image>}), class indices follow the sorted folder names as in
 * {@link ImageFolders}. Nothing is extracted: samples are paths of the JDK's zip file system, which
 * reads each member straight from the archive (members stored without compression cost one read).
 *
 * <p>Why a reader of its own: published image datasets (CIFAR-10 in JPEG form, many Kaggle sets)
 * come as one zip of class folders, and unpacking 60,000 small files costs more than training on
 * them. Every member name is checked before anything is read, and an archive with a name that
 * would leave the archive's root ({@code ../x.jpg}, {@code /etc/x}, a drive letter, a backslash) is
 * refused as a whole: such an archive was made to attack extractors, and its layout cannot be
 * trusted. The archive stays open, read-only, while the samples are in use (the file system is
 * not closed before the JVM exits).
 */
public final class ZipDataset {
    private ZipDataset() {
    }

    /**
     * Opens {@code archive}'s class folders under {@code prefix} ("" for the archive's root).
     *
     * @throws IOException naming the archive and the reason: missing, not a zip, an unsafe member
     *     name, no such prefix folder, no images, or images not in class folders
     */
    public static Dataset open(Path archive, String prefix) throws IOException {
        if (!Files.exists(archive)) {
            throw new IOException(archive + ": no such zip archive");
        }
        if (!Files.isRegularFile(archive)) {
            throw new IOException(archive + ": not a file (a zip: spec names a .zip archive)");
        }
        String pre = trimSlashes(prefix);
        checkMemberNames(archive);
        FileSystem fs;
        try {
            fs = FileSystems.newFileSystem(archive, Map.of());
        } catch (ZipException | java.nio.file.ProviderNotFoundException e) {
            throw new IOException(archive + ": not a readable zip archive: " + e.getMessage(), e);
        }
        Path root = fs.getPath("/" + pre);
        String where = archive + (pre.isEmpty() ? "" : "!/" + pre);
        if (!Files.isDirectory(root)) {
            throw new IOException(archive + ": no folder '" + pre + "' inside the archive (top-level folders: "
                    + topFolders(fs.getPath("/")) + ")");
        }
        List<Path> files = images(root);
        if (files.isEmpty()) {
            throw new IOException(where + ": no image files in the archive (extensions " + new TreeSet<>(ImageFolders.IMAGE_EXTENSIONS) + ")");
        }
        for (Path f : files) {
            int depth = root.relativize(f).getNameCount();
            if (depth == 1) {
                throw new IOException(where + ": no class folders: image '" + root.relativize(f)
                        + "' sits at the top level; a zip: dataset needs one folder per class (<class>/<image>)");
            }
            if (depth > 2) {
                Path rel = root.relativize(f);
                throw new IOException(where + ": images sit more than one folder deep (e.g. '" + rel
                        + "'); name the folder that holds the class folders: zip:" + archive + "!/"
                        + (pre.isEmpty() ? "" : pre + "/") + rel.getName(0));
            }
        }
        List<String> classes = files.stream().map(f -> root.relativize(f).getName(0).toString()).distinct().sorted().toList();
        List<Sample> samples = new ArrayList<>(files.size());
        for (Path f : files) {
            Path rel = root.relativize(f);
            long label = classes.indexOf(rel.getName(0).toString());
            samples.add(new Sample(rel.toString(), f, Map.of("label", label)));
        }
        String base = archive.getFileName().toString().replaceFirst("(?i)\\.zip$", "");
        String name = Dataset.sanitize(pre.isEmpty() ? base : base + "_" + pre.replace('/', '_'));
        return new Dataset(name, "zip:" + archive + (pre.isEmpty() ? "" : "!/" + pre), samples, Map.of("label", classes));
    }

    /** Refuses an archive holding a member name that would escape its root when extracted. */
    static void checkMemberNames(Path archive) throws IOException {
        try (ZipFile zf = new ZipFile(archive.toFile())) {
            Enumeration<? extends ZipEntry> en = zf.entries();
            while (en.hasMoreElements()) {
                String n = en.nextElement().getName();
                String why = unsafe(n);
                if (why != null) {
                    throw new IOException(archive + ": member '" + n + "' " + why
                            + " (a zip-slip name); the archive is refused");
                }
            }
        } catch (ZipException e) {
            throw new IOException(archive + ": not a readable zip archive: " + e.getMessage(), e);
        }
    }

    /** Why a member name is unsafe, or null when it stays inside the archive's root. */
    static String unsafe(String name) {
        if (name.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        if (name.startsWith("/")) {
            return "is an absolute path";
        }
        if (name.length() >= 2 && name.charAt(1) == ':') {
            return "starts with a drive letter";
        }
        for (String part : name.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                return "has a '" + part + "' path element";
            }
        }
        return null;
    }

    private static String trimSlashes(String s) {
        String t = s == null ? "" : s;
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    private static List<Path> images(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .filter(f -> !f.toString().contains("__MACOSX"))
                    .filter(f -> {
                        String n = f.getFileName().toString();
                        int dot = n.lastIndexOf('.');
                        return dot > 0 && ImageFolders.IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
                    })
                    .sorted()
                    .toList();
        }
    }

    private static String topFolders(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            List<String> dirs = s.filter(Files::isDirectory).map(p -> p.getFileName().toString().replace("/", "")).sorted().toList();
            return dirs.isEmpty() ? "none" : String.join(", ", dirs);
        }
    }
}
