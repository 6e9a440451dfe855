package org.encodertraces.provenance;

import java.io.IOException;
import java.io.InputStream;
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

    /** The platform fields every provenance block carries, in a stable order ({@link Platform#toJson()}). */
    public static Map<String, String> platform() {
        return Platform.current().toJson();
    }
}
