package org.encodertraces.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The platform an artifact was made on: tool version and build commit, Java, operating system
 * and CPU architecture. Floating point and codecs differ across platforms (Tribuo records the
 * same for its models), so every provenance block carries this record.
 *
 * <p>Read back from a file, a field the file does not hold is null (a built-in encoder's block
 * records only the tool version); {@link #toJson()} leaves null fields out.
 *
 * @param tool the tool's name
 * @param toolVersion its version
 * @param gitCommit the build's commit ({@code -dirty} when built from a modified tree)
 * @param javaVersion {@code java.version}
 * @param javaVendor {@code java.vendor}
 * @param os operating system name and version
 * @param arch CPU architecture
 */
public record Platform(String tool, String toolVersion, String gitCommit, String javaVersion, String javaVendor, String os,
                       String arch) {

    /** The keys of {@link #toJson()}, in order. */
    public static final java.util.List<String> KEYS = java.util.List.of("tool", "tool_version", "git_commit", "java_version",
            "java_vendor", "os", "arch");

    /** The platform of the running process. */
    public static Platform current() {
        return new Platform("encoder-traces", ToolInfo.version(), ToolInfo.gitCommit(), System.getProperty("java.version"),
                System.getProperty("java.vendor"), System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"));
    }

    /** A platform of which only the tool version is known (what a built-in encoder's provenance records). */
    public static Platform ofToolVersion(String toolVersion) {
        return new Platform(null, toolVersion, null, null, null, null, null);
    }

    /** The one JSON form of this record, keys in a stable order (as every artifact has written them); null fields left out. */
    public Map<String, String> toJson() {
        Map<String, String> m = new LinkedHashMap<>();
        String[] v = {tool, toolVersion, gitCommit, javaVersion, javaVendor, os, arch};
        for (int i = 0; i < v.length; i++) {
            if (v[i] != null) {
                m.put(KEYS.get(i), v[i]);
            }
        }
        return m;
    }

    /**
     * Reads the platform keys of {@code object} (the keys beside other provenance, or an object of
     * their own). Missing keys read as null; an object holding none of them reads as null.
     */
    public static Platform fromJson(JsonNode object) {
        String[] v = new String[KEYS.size()];
        boolean any = false;
        for (int i = 0; i < v.length; i++) {
            v[i] = ProvenanceJson.text(object, KEYS.get(i));
            any |= v[i] != null;
        }
        return any ? new Platform(v[0], v[1], v[2], v[3], v[4], v[5], v[6]) : null;
    }
}
