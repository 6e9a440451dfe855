package org.encodertraces.encoder.hub;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the Hub says about a file before it is downloaded, read from the headers of its
 * resolve URL as huggingface_hub's {@code get_hf_file_metadata} reads them.
 *
 * @param commitHash the commit the revision resolved to ({@code X-Repo-Commit}), or null
 * @param etag       {@code X-Linked-Etag}, else {@code ETag}, without quotes or {@code W/}; for
 *                   LFS files this is the file's sha256, for small git files its git blob sha1; or null
 * @param size       {@code X-Linked-Size}, else the final {@code Content-Length}, or -1 if unknown
 * @param location   where the bytes are fetched from: the resolve URL, or the CDN URL it redirects to
 */
public record RemoteFileInfo(String commitHash, String etag, long size, URI location) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** The etag when it is a sha256 (an LFS file), which the download is then checked against. */
    public Optional<String> lfsSha256() {
        if (etag == null) {
            return Optional.empty();
        }
        String e = etag.toLowerCase(Locale.ROOT);
        return SHA256.matcher(e).matches() ? Optional.of(e) : Optional.empty();
    }

    /** An ETag header without its weak marker and quotes, as huggingface_hub normalises it. */
    static String normalizeEtag(String raw) {
        if (raw == null) {
            return null;
        }
        String e = raw.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.isEmpty() ? null : e;
    }
}
