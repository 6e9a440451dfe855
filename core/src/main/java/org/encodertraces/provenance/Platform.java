package org.encodertraces.provenance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The platform an artifact was made on: tool version and build commit, Java, operating system
 * and CPU architecture. Floating point and codecs differ across platforms (Tribuo records the
 * same for its models), so every provenance block carries this record.
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

    /** The platform of the running process. */
    public static Platform current() {
        return new Platform("encoder-traces", ToolInfo.version(), ToolInfo.gitCommit(), System.getProperty("java.version"),
                System.getProperty("java.vendor"), System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"));
    }

    /** The one JSON form of this record, keys in a stable order (as every artifact has written them). */
    public Map<String, String> toJson() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("tool", tool);
        m.put("tool_version", toolVersion);
        m.put("git_commit", gitCommit);
        m.put("java_version", javaVersion);
        m.put("java_vendor", javaVendor);
        m.put("os", os);
        m.put("arch", arch);
        return m;
    }
}
