package org.encodertraces.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What made an artifact, as far as the running process can tell: tool version, git commit,
 * Java, operating system and CPU architecture. Floating point and codecs differ across
 * platforms, so every artifact records these.
 */
public final class ToolInfo {
    private ToolInfo() {
    }

    /** The tool's version from the build, or "unknown" when run from unpackaged classes. */
    public static String version() {
        try (InputStream in = ToolInfo.class.getResourceAsStream("/org/encodertraces/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The git commit recorded at build time, or "unknown". */
    public static String gitCommit() {
        try (InputStream in = ToolInfo.class.getResourceAsStream("/org/encodertraces/git.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String id = p.getProperty("git.commit.id.full", "unknown");
            return "true".equals(p.getProperty("git.dirty")) ? id + "-dirty" : id;
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The platform fields every provenance block carries, in a stable order. */
    public static Map<String, String> platform() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("tool", "encoder-traces");
        m.put("tool_version", version());
        m.put("git_commit", gitCommit());
        m.put("java_version", System.getProperty("java.version"));
        m.put("java_vendor", System.getProperty("java.vendor"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        return m;
    }
}
