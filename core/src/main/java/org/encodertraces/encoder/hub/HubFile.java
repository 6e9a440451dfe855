package org.encodertraces.encoder.hub;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One file of one revision of a Hugging Face Hub model repository, with every name checked.
 *
 * <p>The names end up both in a URL and in a path under the cache, so anything that could
 * step outside the cache (an absolute path, {@code ..}, a backslash, an empty segment, a
 * control character) is rejected here, once, with an {@link IllegalArgumentException} that
 * says which name is wrong and why.
 *
 * @param repoId   {@code owner/name} (or a legacy single {@code name}); each part starts with a
 *                 letter or digit and holds only letters, digits, {@code . _ -}, never
 *                 {@code --} or {@code ..}
 * @param revision a branch, tag or commit hash, possibly with {@code /} as in
 *                 {@code refs/pr/1}; each segment letters, digits, {@code . _ -}
 * @param path     the file's path inside the repository, {@code /}-separated
 */
public record HubFile(String repoId, String revision, String path) implements java.io.Serializable {

    private static final Pattern REPO_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern REVISION_PART = Pattern.compile("[A-Za-z0-9._-]+");

    /** The revision used when none is given, as in huggingface_hub. */
    public static final String DEFAULT_REVISION = "main";

    /** Checks all three names. */
    public HubFile {
        Objects.requireNonNull(repoId, "repoId");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(path, "path");
        checkRepoId(repoId);
        checkRevision(revision);
        checkPath(path);
    }

    /** A file at the default revision {@code main}. */
    public static HubFile of(String repoId, String path) {
        return new HubFile(repoId, DEFAULT_REVISION, path);
    }

    /** The repository id's parts: {@code [owner, name]} or {@code [name]}. */
    public List<String> repoParts() {
        return List.of(repoId.split("/", -1));
    }

    /** The path's segments, in order. */
    public List<String> pathSegments() {
        return List.of(path.split("/", -1));
    }

    /** {@code owner/name@revision/path}, for messages. */
    @Override
    public String toString() {
        return repoId + "@" + revision + "/" + path;
    }

    private static void checkRepoId(String repoId) {
        String[] parts = repoId.split("/", -1);
        if (parts.length < 1 || parts.length > 2) {
            throw bad("repository id", repoId, "must be 'owner/name' or 'name'");
        }
        for (String p : parts) {
            if (p.isEmpty()) {
                throw bad("repository id", repoId, "has an empty part");
            }
            if (!REPO_PART.matcher(p).matches()) {
                throw bad("repository id", repoId,
                        "part '" + p + "' must start with a letter or digit and hold only letters, digits, '.', '_', '-'");
            }
            if (p.contains("--") || p.contains("..")) {
                throw bad("repository id", repoId, "must not contain '--' or '..'");
            }
        }
    }

    private static void checkRevision(String revision) {
        checkNoSeparatorsOrControl("revision", revision);
        for (String seg : revision.split("/", -1)) {
            checkSegment("revision", revision, seg);
            if (!REVISION_PART.matcher(seg).matches()) {
                throw bad("revision", revision, "segment '" + seg + "' may hold only letters, digits, '.', '_', '-'");
            }
        }
    }

    private static void checkPath(String path) {
        checkNoSeparatorsOrControl("file path", path);
        if (path.length() > 1 && path.charAt(1) == ':') {
            throw bad("file path", path, "looks like a drive-letter path");
        }
        for (String seg : path.split("/", -1)) {
            checkSegment("file path", path, seg);
            if (seg.indexOf(':') >= 0) {
                throw bad("file path", path, "segment '" + seg + "' contains ':'");
            }
        }
    }

    private static void checkNoSeparatorsOrControl(String what, String value) {
        if (value.isEmpty()) {
            throw bad(what, value, "is empty");
        }
        if (value.startsWith("/")) {
            throw bad(what, value, "is absolute (starts with '/')");
        }
        if (value.indexOf('\\') >= 0) {
            throw bad(what, value, "contains a backslash");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw bad(what, value, "contains a control character");
            }
        }
    }

    private static void checkSegment(String what, String value, String seg) {
        if (seg.isEmpty()) {
            throw bad(what, value, "has an empty segment ('//' or a trailing '/')");
        }
        if (seg.equals(".") || seg.equals("..")) {
            throw bad(what, value, "has a '" + seg + "' segment (path traversal)");
        }
    }

    private static IllegalArgumentException bad(String what, String value, String why) {
        return new IllegalArgumentException("Invalid " + what + " '" + printable(value) + "': " + why);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
