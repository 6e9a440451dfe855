package org.encodertraces.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A named list of samples in a fixed order, with the names behind each integer label (class
 * index to class name) and a manifest hash for provenance.
 *
 * @param name short name used in output file names (the folder name, sanitised)
 * @param source where it came from (a folder or manifest path)
 * @param samples in a stable order
 * @param labelNames per label tensor, the name of each integer value (index order)
 */
public record Dataset(String name, String source, List<Sample> samples, Map<String, List<String>> labelNames) {
    public Dataset {
        samples = List.copyOf(samples);
        labelNames = Map.copyOf(labelNames);
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("dataset name must be letters, digits, '.', '_' or '-': " + name);
        }
    }

    /** The label tensor names present on every sample, sorted. */
    public List<String> labelTensors() {
        if (samples.isEmpty()) {
            return List.of();
        }
        return samples.get(0).labels().keySet().stream().sorted().toList();
    }

    /**
     * SHA-256 over the ordered sample ids, their labels and file sizes: identifies the manifest
     * (not the pixel content, which would mean reading every file).
     */
    public String manifestSha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Sample s : samples) {
                long size;
                try {
                    size = java.nio.file.Files.size(s.file());
                } catch (java.io.IOException e) {
                    size = -1;
                }
                md.update((s.id() + "\t" + new java.util.TreeMap<>(s.labels()) + "\t" + size + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes any string usable as a dataset name. */
    public static String sanitize(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]+", "_");
        return t.isEmpty() ? "dataset" : t;
    }
}
