package org.encodertraces.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * ImageNet-1k (ILSVRC 2012) train and val folders as datasets with the label tensor {@code label}:
 * the index of the image's WordNet id (wnid, e.g. {@code n01440764}) in sorted order, the class
 * order of torchvision's {@code ImageFolder} and of most pretrained heads; the class names are the
 * wnids.
 *
 * <p>Layouts read:
 * <ul>
 *   <li><b>train</b>: {@code <root>/train/<wnid>/*.JPEG}.</li>
 *   <li><b>val, sorted</b>: {@code <root>/val/<wnid>/*} (after the usual valprep script).</li>
 *   <li><b>val, flat</b>: {@code <root>/val/ILSVRC2012_val_00000001.JPEG ...} with one of these
 *       ground-truth files in {@code <root>} (searched in this order):
 *       {@code LOC_val_solution.csv} (Kaggle: {@code ImageId,PredictionString}, the first token of
 *       the prediction string is the wnid) or {@code val.txt} (Caffe's {@code ilsvrc12} list:
 *       {@code <file> <index>} with the index in sorted-wnid order, which needs the wnids, taken
 *       from {@code LOC_synset_mapping.txt} or {@code synsets.txt} if present, else from the train
 *       folders).</li>
 * </ul>
 * The devkit's {@code ILSVRC2012_validation_ground_truth.txt} is not read: its numbers are
 * ILSVRC2012_IDs whose mapping to wnids lives in the devkit's {@code meta.mat} (MATLAB), so
 * convert it once to {@code LOC_val_solution.csv} form instead.
 */
public final class ImageNetLayout {
    private static final Pattern WNID = Pattern.compile("n\\d{8}");

    private ImageNetLayout() {
    }

    /** True when the folder holds {@code train/} or {@code val/} with an ImageNet layout. */
    public static boolean looksLike(Path root) {
        try {
            for (String split : List.of("train", "val")) {
                Path d = root.resolve(split);
                if (Files.isDirectory(d)) {
                    try (Stream<Path> s = Files.list(d)) {
                        if (s.anyMatch(p -> WNID.matcher(p.getFileName().toString()).matches()
                                || p.getFileName().toString().startsWith("ILSVRC2012_val_"))) {
                            return true;
                        }
                    }
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /**
     * Opens one split.
     *
     * @param root  the folder holding {@code train/} and/or {@code val/}
     * @param split {@code train} or {@code val}
     */
    public static Dataset open(Path root, String split) throws IOException {
        if (!split.equals("train") && !split.equals("val")) {
            throw new IllegalArgumentException("ImageNet split is 'train' or 'val', not '" + split + "'");
        }
        Path dir = root.resolve(split);
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no such folder (expected an ImageNet " + split + " folder)");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(ExifDataset::isImageName).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(dir + ": no image files");
        }
        boolean sorted = files.stream().allMatch(f -> dir.relativize(f).getNameCount() == 2
                && WNID.matcher(dir.relativize(f).getName(0).toString()).matches());
        Map<Path, String> wnidOf = new HashMap<>();
        if (sorted) {
            files.forEach(f -> wnidOf.put(f, dir.relativize(f).getName(0).toString()));
        } else {
            Map<String, String> byName = flatValLabels(root);
            for (Path f : files) {
                String n = f.getFileName().toString();
                String stem = n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
                String w = byName.containsKey(n) ? byName.get(n) : byName.get(stem);
                if (w == null) {
                    throw new IOException(f + ": not in the validation ground truth of " + root);
                }
                wnidOf.put(f, w);
            }
        }
        List<String> classes = new ArrayList<>(new TreeSet<>(wnidOf.values()));
        Map<String, Long> idx = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            idx.put(classes.get(i), (long) i);
        }
        List<Sample> samples = new ArrayList<>();
        for (Path f : files) {
            samples.add(new Sample(split + "/" + ImageFolders.id(dir, f), f, Map.of("label", idx.get(wnidOf.get(f)))));
        }
        return new Dataset(Dataset.sanitize("imagenet-" + split), root.resolve(split).toString(), samples, Map.of("label", classes));
    }

    private static Map<String, String> flatValLabels(Path root) throws IOException {
        Map<String, String> out = new HashMap<>();
        Path loc = root.resolve("LOC_val_solution.csv");
        if (Files.isRegularFile(loc)) {
            List<String> lines = Files.readAllLines(loc, StandardCharsets.UTF_8);
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                int comma = line.indexOf(',');
                String[] pred = comma < 0 ? new String[0] : line.substring(comma + 1).strip().split("\\s+");
                if (comma < 0 || pred.length == 0 || !WNID.matcher(pred[0]).matches()) {
                    throw new IOException(loc + ":" + (i + 1) + ": expected 'ImageId,<wnid> ...', got '" + line + "'");
                }
                out.put(line.substring(0, comma), pred[0]);
            }
            return out;
        }
        Path caffe = root.resolve("val.txt");
        if (Files.isRegularFile(caffe)) {
            List<String> wnids = wnids(root);
            List<String> lines = Files.readAllLines(caffe, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] t = line.split("\\s+");
                int k;
                try {
                    k = t.length == 2 ? Integer.parseInt(t[1]) : -1;
                } catch (NumberFormatException e) {
                    k = -1;
                }
                if (k < 0 || k >= wnids.size()) {
                    throw new IOException(caffe + ":" + (i + 1) + ": expected '<file> <class index 0.." + (wnids.size() - 1) + ">', got '" + line + "'");
                }
                out.put(t[0], wnids.get(k));
            }
            return out;
        }
        throw new IOException(root + ": flat val folder but no LOC_val_solution.csv or val.txt ground truth beside it");
    }

    private static List<String> wnids(Path root) throws IOException {
        for (String name : List.of("LOC_synset_mapping.txt", "synsets.txt")) {
            Path p = root.resolve(name);
            if (Files.isRegularFile(p)) {
                TreeSet<String> s = new TreeSet<>();
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    String w = line.strip().split("\\s+", 2)[0];
                    if (WNID.matcher(w).matches()) {
                        s.add(w);
                    }
                }
                return new ArrayList<>(s);
            }
        }
        Path train = root.resolve("train");
        if (Files.isDirectory(train)) {
            try (Stream<Path> s = Files.list(train)) {
                return s.map(p -> p.getFileName().toString()).filter(n -> WNID.matcher(n).matches()).sorted().toList();
            }
        }
        throw new IOException(root + ": val.txt needs the wnid list (LOC_synset_mapping.txt, synsets.txt or train/<wnid> folders)");
    }
}
