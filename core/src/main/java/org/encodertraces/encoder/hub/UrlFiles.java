package org.encodertraces.encoder.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.encodertraces.io.AtomicFiles;

/**
 * Files downloaded from an https URL outside the Hub (checkpoints on their authors' servers, such
 * as DINO's and MoCo v3's on dl.fbaipublicfiles.com), in our cache under
 * {@code urls/<host>/<path>}, each with a pin beside it ({@code <file>.pin.json}): the URL, size
 * and sha256, and whether that sha256 was published ({@code published}) or recorded from the first
 * download because no publisher gives one ({@code trust-on-first-use}). The pin outlives the file:
 * a later download or cached copy with other bytes is refused.
 */
public final class UrlFiles {
    /** The pin's {@code source} when the sha256 came from the first download. */
    public static final String TRUST_ON_FIRST_USE = "trust-on-first-use";
    /** The pin's {@code source} when the sha256 was published. */
    public static final String PUBLISHED = "published";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A file's pin.
     *
     * @param sha256 the pinned sha256
     * @param source {@link #PUBLISHED} or {@link #TRUST_ON_FIRST_USE}
     * @param pinnedAt when it was recorded (ISO-8601)
     */
    public record Pin(String sha256, String source, String pinnedAt) {
    }

    private UrlFiles() {
    }

    /**
     * Where the file of {@code url} lives in {@code cache} (whether or not it is there yet).
     *
     * @throws IllegalArgumentException when the URL is not https or its path could leave the folder
     */
    public static Path pathFor(ModelCache cache, URI url) {
        if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("not an https URL: " + url);
        }
        String path = url.getPath() == null ? "" : url.getPath();
        Path base = cache.root().resolve("urls").resolve(url.getHost().toLowerCase(Locale.ROOT));
        Path p = base;
        for (String seg : path.split("/")) {
            if (seg.isEmpty()) {
                continue;
            }
            if (seg.equals("..") || seg.equals(".")) {
                throw new IllegalArgumentException("URL path with '" + seg + "': " + url);
            }
            p = p.resolve(seg);
        }
        if (p.equals(base)) {
            throw new IllegalArgumentException("URL names no file: " + url);
        }
        return p;
    }

    /** The pin file beside the file of {@code url}. */
    public static Path pinFile(ModelCache cache, URI url) {
        Path p = pathFor(cache, url);
        return p.resolveSibling(p.getFileName() + ".pin.json");
    }

    /** The pin of {@code url}'s file, if one was recorded. */
    public static Optional<Pin> pin(ModelCache cache, URI url) throws IOException {
        Path f = pinFile(cache, url);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        JsonNode n;
        try {
            n = JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new HubException(HubException.Reason.INVALID_CONTENT, "the pin " + f + " of " + url + " is not readable JSON ("
                    + e.getMessage() + "): delete it only if you trust the file it pins to be downloaded again");
        }
        String sha = n.path("sha256").asText("");
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new HubException(HubException.Reason.INVALID_CONTENT, "the pin " + f + " of " + url + " holds no sha256");
        }
        return Optional.of(new Pin(sha, n.path("source").asText(TRUST_ON_FIRST_USE), n.path("pinned_at").asText("")));
    }

    /** Records the pin of {@code url}'s file. */
    static Pin writePin(ModelCache cache, URI url, String sha256, long size, String source) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("url", url.toString());
        n.put("sha256", sha256);
        n.put("size", size);
        n.put("source", source);
        String now = Instant.now().toString();
        n.put("pinned_at", now);
        n.put("note", source.equals(PUBLISHED) ? "the sha256 the registry gives for this URL"
                : "no publisher gives a sha256 for this file: this is the sha256 of the first download, and later downloads must match it");
        Path f = pinFile(cache, url);
        Files.createDirectories(f.getParent());
        AtomicFiles.writeString(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
        return new Pin(sha256, source, now);
    }

    /**
     * The cached file of {@code url}, checked against its pin (and the published sha256 when
     * given), without the network.
     *
     * @throws HubException {@code OFFLINE_MISSING} when it is not cached, {@code CHECKSUM_MISMATCH}
     *     when its bytes are not the pinned ones
     */
    public static Path requireCached(ModelCache cache, URI url, String publishedSha256) throws IOException {
        Path p = pathFor(cache, url);
        if (!Files.isRegularFile(p)) {
            throw new HubException(HubException.Reason.OFFLINE_MISSING, "Offline mode is on and " + url + " is not in the cache (looked for "
                    + p + "). Download it once online, or unset " + ModelCache.ENV_OFFLINE + "/" + ModelCache.ENV_HF_OFFLINE + ".");
        }
        String actual = HubClient.sha256(p);
        String want = expected(cache, url, publishedSha256);
        if (want != null && !want.equals(actual)) {
            throw new HubException(HubException.Reason.CHECKSUM_MISMATCH, "Checksum mismatch for the cached copy of " + url + " at " + p
                    + ": pinned sha256 " + want + ", got " + actual + ". Delete the copy to download it again.");
        }
        if (want == null) {
            writePin(cache, url, actual, Files.size(p), TRUST_ON_FIRST_USE);
        }
        return p;
    }

    /** The sha256 a file of {@code url} must have: the published one, else the pin's; null when neither exists. */
    static String expected(ModelCache cache, URI url, String publishedSha256) throws IOException {
        if (publishedSha256 != null) {
            return publishedSha256;
        }
        return pin(cache, url).map(Pin::sha256).orElse(null);
    }
}
