package org.encodertraces.encoder.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.encodertraces.io.HttpTransfer;
import org.encodertraces.io.TransferWatchdog;
import org.encodertraces.provenance.ToolInfo;

/**
 * A small client for the Hugging Face Hub that downloads model files into a {@link ModelCache}.
 *
 * <p>It behaves like huggingface_hub's {@code hf_hub_download}: a HEAD request on
 * {@code <endpoint>/<repo>/resolve/<revision>/<path>} (following same-origin redirects)
 * reads {@code X-Repo-Commit}, {@code X-Linked-Etag}/{@code ETag} and
 * {@code X-Linked-Size}; the GET goes to where that ends (the CDN for LFS files); the bytes
 * stream into a part file, resuming with {@code Range: bytes=N-} after a dropped connection
 * ({@link HttpTransfer}, the transfer the photo downloader uses too); the result is checked against the expected sha256 (the caller's, else the LFS sha256 the Hub
 * reports) and only then moved atomically into the cache.
 *
 * <p>The token is sent as {@code Authorization: Bearer} only to the endpoint's own origin,
 * never to a CDN or any other host a redirect points at, and never appears in a message.
 * 5xx replies, 429 and network failures are retried a few times with exponential back-off;
 * 401, 403, 404 and checksum mismatches are not.
 */
public final class HubClient {
    // streaming limits (issues 9, 23), enforced by HttpTransfer: a body may not exceed the announced size; reads
    // have a timeout, the transfer a minimum throughput and each attempt a total deadline, since java.net.http
    // bodies have none of them

    /** The public Hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    /** Environment variable overriding the endpoint, as in huggingface_hub. */
    public static final String ENV_ENDPOINT = "HF_ENDPOINT";
    /** Environment variable holding the access token, as in huggingface_hub. */
    public static final String ENV_TOKEN = "HF_TOKEN";

    /**
     * Environment variable naming a mirror of the authors' servers: a checkpoint published at
     * {@code https://HOST/PATH} is fetched from {@code MIRROR/PATH} instead (cached and pinned under
     * its published URL all the same).
     */
    public static final String ENV_URL_MIRROR = "TRACES_URL_MIRROR";

    private static final int MAX_REDIRECTS = 10;

    private final ModelCache cache;
    private final URI endpoint;
    private final URI urlMirror;
    private final String token;
    private final Duration requestTimeout;
    private final Duration readTimeout;
    private final Duration attemptDeadline;
    private final TransferWatchdog.MinThroughput minThroughput;
    private final HttpTransfer.Backoff backoff;
    private final HttpClient http;

    private HubClient(Builder b) {
        this.cache = b.cache;
        this.endpoint = b.endpoint;
        this.urlMirror = b.urlMirror;
        this.token = b.token;
        this.requestTimeout = b.requestTimeout;
        this.readTimeout = b.readTimeout;
        this.attemptDeadline = b.attemptDeadline;
        this.minThroughput = b.minThroughput;
        // the wait doubles from retryBackoff with each retry, five times at most, and never passes 30 s
        this.backoff = new HttpTransfer.Backoff(b.maxRetries + 1, b.retryBackoff, Duration.ofSeconds(30), 5, false);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(b.connectTimeout)
                .build();
    }

    /** A builder for a client that caches into {@code cache}. */
    public static Builder builder(ModelCache cache) {
        return new Builder(cache);
    }

    /**
     * A client configured from the environment: endpoint from {@code HF_ENDPOINT}, token from
     * {@code HF_TOKEN} (or the older {@code HUGGING_FACE_HUB_TOKEN}).
     *
     * @param env the environment (the CLI passes {@code System.getenv()})
     */
    public static HubClient fromEnvironment(Map<String, String> env, ModelCache cache) {
        Builder b = builder(cache);
        String ep = env.get(ENV_ENDPOINT);
        if (ep != null && !ep.isBlank()) {
            b.endpoint(URI.create(ep.trim()));
        }
        String mirror = env.get(ENV_URL_MIRROR);
        if (mirror != null && !mirror.isBlank()) {
            b.urlMirror(URI.create(mirror.trim()));
        }
        String tok = env.get(ENV_TOKEN);
        if (tok == null || tok.isBlank()) {
            tok = env.get("HUGGING_FACE_HUB_TOKEN");
        }
        if (tok != null && !tok.isBlank()) {
            b.token(tok.trim());
        }
        return b.build();
    }

    /** The cache this client downloads into. */
    public ModelCache cache() {
        return cache;
    }

    /** The Hub endpoint, without a trailing slash. */
    public URI endpoint() {
        return endpoint;
    }

    /** Whether a token is configured (the token itself is never exposed). */
    public boolean hasToken() {
        return token != null;
    }

    /**
     * The resolve URL of {@code file}, as huggingface_hub's {@code hf_hub_url} builds it: the
     * revision percent-encoded as one piece ({@code refs/pr/1} becomes {@code refs%2Fpr%2F1}),
     * the path percent-encoded segment by segment.
     */
    public URI resolveUrl(HubFile file) {
        StringBuilder path = new StringBuilder();
        for (String seg : file.pathSegments()) {
            if (path.length() > 0) {
                path.append('/');
            }
            path.append(percentEncode(seg));
        }
        return URI.create(endpoint + "/" + file.repoId() + "/resolve/" + percentEncode(file.revision()) + "/" + path);
    }

    /** Downloads {@code file} (or finds it in the cache) with no expected hash beyond the Hub's own. */
    public Path download(HubFile file) throws IOException {
        return download(file, null, DownloadProgress.NONE);
    }

    /**
     * Returns the cached copy of {@code file}, downloading it first if needed.
     *
     * @param expectedSha256 the sha256 the file must have (from the model registry), or null to
     *                       rely on the LFS sha256 the Hub reports; a cached copy is checked against it too
     * @param progress       told how far the download has got
     * @throws HubException  not found, unauthorized, checksum mismatch (the part file is deleted),
     *                       offline and not cached, or a network failure after the retries
     * @throws IOException   the cache could not be written
     */
    public Path download(HubFile file, String expectedSha256, DownloadProgress progress) throws IOException {
        return download(file, expectedSha256, progress, FileCheck.NONE);
    }

    /**
     * As {@link #download(HubFile, String, DownloadProgress)}, and {@code check} must accept the
     * downloaded bytes before they are moved into the cache (else the part file is deleted and
     * nothing is cached) and a cached copy before it is returned.
     *
     * @throws HubException {@code INVALID_CONTENT} when the check refuses the file, with its reason
     */
    public Path download(HubFile file, String expectedSha256, DownloadProgress progress, FileCheck check) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(progress, "progress");
        String expected = expectedSha256 == null ? null : normalizeSha256(expectedSha256);
        Optional<Path> cached = cache.find(file);
        if (cached.isPresent()) {
            return verified(checkCached(cached.get(), file, expected), file, check, false);
        }
        if (cache.offline()) {
            return verified(cache.require(file), file, check, false);
        }
        try (ModelCache.CacheLock lock = cache.lock(file)) {
            cached = cache.find(file);
            if (cached.isPresent()) {
                return verified(checkCached(cached.get(), file, expected), file, check, false);
            }
            URI url = resolveUrl(file);
            RemoteFileInfo info = fetchInfo(file);
            Optional<String> lfs = info.lfsSha256();
            if (expected != null && lfs.isPresent() && !expected.equals(lfs.get())) {
                throw new HubException(HubException.Reason.CHECKSUM_MISMATCH,
                        "Checksum mismatch for " + url + ": expected sha256 " + expected
                                + " but the Hub reports " + lfs.get() + " for this file (revision " + file.revision()
                                + (info.commitHash() == null ? "" : ", commit " + info.commitHash())
                                + "); the registry entry or the revision is out of date. Nothing was downloaded.");
            }
            String want = expected != null ? expected : lfs.orElse(null);
            Path part = cache.partFile(file, info.etag());
            cache.deleteStaleParts(file, part);
            fetchWithResume(info.location(), part, info.size(), progress);
            String actual = sha256(part);
            if (want != null && !want.equals(actual)) {
                Files.deleteIfExists(part);
                throw new HubException(HubException.Reason.CHECKSUM_MISMATCH,
                        "Checksum mismatch for " + url + ": expected sha256 " + want + " ("
                                + (expected != null ? "given by the caller" : "the Hub's LFS hash") + "), got " + actual
                                + ". The partial file was deleted; try again.");
            }
            long got = Files.size(part);
            if (info.size() >= 0 && got != info.size()) {
                Files.deleteIfExists(part);
                throw new HubException(HubException.Reason.HTTP_ERROR,
                        "Size mismatch for " + url + ": the Hub announced " + info.size() + " bytes, got " + got
                                + ". The partial file was deleted; try again.");
            }
            verified(part, file, check, true);
            return cache.commit(part, file, info.commitHash(), info.etag());
        }
    }

    /**
     * Downloads a file published at an https URL outside the Hub (a checkpoint on its authors'
     * server) into our cache, resuming a part file left by an interrupted run, or returns the
     * cached copy. Its bytes must have {@code publishedSha256} when given; otherwise the sha256 of
     * the first download is pinned beside it ({@link UrlFiles}) and every later copy must match.
     *
     * @throws HubException {@code CHECKSUM_MISMATCH} (nothing kept) when the bytes are not the
     *     pinned ones, {@code OFFLINE_MISSING} offline without a cached copy, or what the transfer met
     */
    public Path downloadUrl(URI url, String publishedSha256, DownloadProgress progress) throws IOException {
        String published = publishedSha256 == null ? null : normalizeSha256(publishedSha256);
        Path target = UrlFiles.pathFor(cache, url);
        if (cache.offline()) {
            return UrlFiles.requireCached(cache, url, published);
        }
        Files.createDirectories(target.getParent());
        Path lockPath = target.resolveSibling(target.getFileName() + ".lock");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockPath, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock ignored = ch.lock()) {
            String want = UrlFiles.expected(cache, url, published);
            if (Files.isRegularFile(target)) {
                String actual = sha256(target);
                if (want == null || want.equals(actual)) {
                    if (want == null) {
                        UrlFiles.writePin(cache, url, actual, Files.size(target), UrlFiles.TRUST_ON_FIRST_USE);
                    }
                    return target;
                }
                Files.delete(target); // a damaged copy: download it again, and hold the new bytes to the pin
            }
            URI from = urlMirror == null ? url : urlMirror.resolve(
                    (urlMirror.getPath() == null || urlMirror.getPath().isEmpty() ? "" : urlMirror.getPath().replaceAll("/+$", ""))
                            + url.getRawPath());
            RemoteFileInfo info = retrying(from, () -> head(from, null));
            Path part = target.resolveSibling(target.getFileName() + ".part");
            fetchWithResume(info.location(), part, info.size(), progress);
            long got = Files.size(part);
            if (info.size() >= 0 && got != info.size()) {
                Files.deleteIfExists(part);
                throw new HubException(HubException.Reason.HTTP_ERROR, "Size mismatch for " + url + ": the server announced "
                        + info.size() + " bytes, got " + got + ". The partial file was deleted; try again.");
            }
            String actual = sha256(part);
            if (want != null && !want.equals(actual)) {
                Files.deleteIfExists(part);
                throw new HubException(HubException.Reason.CHECKSUM_MISMATCH, "Checksum mismatch for " + url + " (fetched from " + from
                        + "): expected sha256 " + want + " (" + (published != null ? "published" : "pinned at its first download in "
                        + UrlFiles.pinFile(cache, url)) + "), got " + actual + ". Nothing was kept; if the publisher replaced the file on"
                        + " purpose and you trust it, delete the pin and run again.");
            }
            java.nio.file.Files.move(part, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            if (UrlFiles.pin(cache, url).isEmpty()) {
                UrlFiles.writePin(cache, url, actual, got, published != null ? UrlFiles.PUBLISHED : UrlFiles.TRUST_ON_FIRST_USE);
            }
            return target;
        }
    }

    private Path verified(Path p, HubFile file, FileCheck check, boolean fresh) throws IOException {
        try {
            check.check(p);
            return p;
        } catch (IOException | RuntimeException e) {
            if (fresh) {
                Files.deleteIfExists(p);
                throw new HubException(HubException.Reason.INVALID_CONTENT, "Downloaded " + file + " is not usable: " + e.getMessage()
                        + ". Nothing was cached; check the repository, revision and path (and HF_ENDPOINT).", e);
            }
            throw new HubException(HubException.Reason.INVALID_CONTENT, "The cached copy of " + file + " at " + p
                    + " is not usable: " + e.getMessage() + ". " + quarantined(file, p), e);
        }
    }

    /**
     * Moves a bad cached copy aside (so it is not refused again and again) and says where, and
     * what the next run does.
     */
    private String quarantined(HubFile file, Path bad) {
        String next = cache.offline()
                ? "the next run with the network allowed (without " + ModelCache.ENV_OFFLINE + "/" + ModelCache.ENV_HF_OFFLINE
                        + ") downloads it again"
                : "the next run downloads it again";
        try {
            Path moved = cache.quarantine(file, bad);
            return "It was moved out of the cache to " + moved + ": " + next + ".";
        } catch (IOException e) {
            return "It could not be moved out of the cache (" + e.getMessage() + "): delete it, and " + next + ".";
        }
    }

    /**
     * Asks the Hub about {@code file} with a HEAD request on its resolve URL, following
     * same-origin redirects and stopping at the first redirect to another origin (the CDN).
     */
    public RemoteFileInfo fetchInfo(HubFile file) throws IOException {
        if (cache.offline()) {
            throw new HubException(HubException.Reason.OFFLINE_MISSING,
                    "Offline mode is on: will not ask the Hub about " + file);
        }
        URI start = resolveUrl(file);
        return retrying(start, () -> head(start, file));
    }

    private RemoteFileInfo head(URI start, HubFile file) throws IOException {
        URI uri = start;
        Map<String, String> seen = new LinkedHashMap<>();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest req = request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity").build();
            HttpResponse<Void> r = send(req, HttpResponse.BodyHandlers.discarding(), uri);
            HttpHeaders h = r.headers();
            remember(seen, "commit", h.firstValue("X-Repo-Commit"));
            remember(seen, "etag", h.firstValue("X-Linked-Etag"));
            remember(seen, "size", h.firstValue("X-Linked-Size"));
            int status = r.statusCode();
            if (isRedirect(status)) {
                URI next = location(uri, h);
                if (!sameOrigin(next, uri)) {
                    remember(seen, "etag", h.firstValue("ETag"));
                    return info(seen, next);
                }
                uri = next;
                continue;
            }
            if (status >= 200 && status < 300) {
                remember(seen, "etag", h.firstValue("ETag"));
                remember(seen, "size", h.firstValue("Content-Length"));
                return info(seen, uri);
            }
            throw statusError(status, h, null, uri, file);
        }
        throw new HubException(HubException.Reason.HTTP_ERROR, "Too many redirects from " + start);
    }

    private void fetchWithResume(URI url, Path part, long size, DownloadProgress progress) throws IOException {
        HttpTransfer.Limits limits = new HttpTransfer.Limits(readTimeout, attemptDeadline, minThroughput, Long.MAX_VALUE);
        retrying(url, () -> HttpTransfer.attempt(from -> get(url, from), part, size, limits, progress::update));
    }

    /**
     * The GET of one attempt, from byte {@code from}: follows redirects (the token goes only to the
     * endpoint's own origin), hands back a 200, 206 or 416 and turns any other status into its error.
     */
    private HttpTransfer.Reply get(URI start, long from) throws IOException {
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder rb = request(uri).GET().header("Accept-Encoding", "identity");
            if (from > 0) {
                rb.header("Range", HttpTransfer.rangeHeader(from));
            }
            AtomicReference<HttpResponse.BodySubscriber<InputStream>> subscriber = new AtomicReference<>();
            HttpResponse<InputStream> r = send(rb.build(), info -> {
                HttpResponse.BodySubscriber<InputStream> sub = HttpResponse.BodySubscribers.ofInputStream();
                subscriber.set(sub);
                return sub;
            }, uri);
            int status = r.statusCode();
            if (status == 200 || status == 206 || status == 416) {
                return new JdkReply(r, uri, subscriber.get());
            }
            try (InputStream body = r.body()) {
                if (!isRedirect(status)) {
                    throw statusError(status, r.headers(), body, uri, null);
                }
                uri = location(uri, r.headers());
            }
        }
        throw new HubException(HubException.Reason.HTTP_ERROR, "Too many redirects from " + start);
    }

    /** A java.net.http reply to the transfer; the watchdog fails its body subscriber, which wakes a blocked read. */
    private record JdkReply(HttpResponse<InputStream> response, URI uri, HttpResponse.BodySubscriber<InputStream> subscriber)
            implements HttpTransfer.Reply {
        @Override
        public int status() {
            return response.statusCode();
        }

        @Override
        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        @Override
        public InputStream body() {
            return response.body();
        }

        @Override
        public void abort() {
            if (subscriber != null) {
                subscriber.onError(new IOException("stopped by the transfer watchdog"));
            }
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("User-Agent", "encoder-traces/" + ToolInfo.version());
        if (token != null && sameOrigin(uri, endpoint)) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler, URI uri) throws IOException {
        HttpResponse<T> r;
        try {
            r = http.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while requesting " + uri);
        } catch (IOException e) {
            throw HttpTransfer.Failure.retry("Request to " + uri + " failed: " + e, -1, e);
        }
        int s = r.statusCode();
        if (s >= 500 || s == 429) {
            if (r.body() instanceof InputStream in) {
                in.close();
            }
            throw HttpTransfer.Failure.retry("Server error " + s + " from " + uri, -1, null);
        }
        return r;
    }

    /**
     * Runs {@code attempt} under the client's retry policy: 5xx, 429, network failures and
     * transfers cut short are retried with exponential back-off, resuming; what is not retryable
     * (a body longer than announced) or still failing after the last retry becomes a {@link HubException}.
     */
    private <T> T retrying(URI url, HttpTransfer.Attempt<T> attempt) throws IOException {
        try {
            return HttpTransfer.withRetries(backoff, url, attempt, HttpTransfer.BeforeRetry.NONE);
        } catch (HttpTransfer.GaveUp g) {
            if (g.why() == HttpTransfer.GaveUp.Why.NOT_RETRYABLE) {
                throw new HubException(HubException.Reason.HTTP_ERROR, g.last().getMessage());
            }
            throw new HubException(HubException.Reason.NETWORK,
                    "Giving up on " + url + " after " + g.attempts() + " attempts: " + g.last().getMessage(), g.last());
        }
    }

    private HubException statusError(int status, HttpHeaders h, InputStream body, URI uri, HubFile file) {
        String code = h.firstValue("X-Error-Code").orElse("");
        String msg = h.firstValue("X-Error-Message").orElse("");
        String detail = (code.isEmpty() ? "" : " " + code) + (msg.isEmpty() ? "" : ": " + msg);
        String what = file == null ? uri.toString() : file + " (" + uri + ")";
        if (status == 404) {
            return new HubException(HubException.Reason.NOT_FOUND,
                    "Not found (404" + detail + "): " + what + ". Check the repository id, revision and file name.");
        }
        if (status == 401 || status == 403) {
            String hint = token == null
                    ? " The repository may be private or gated: set " + ENV_TOKEN + " to an access token."
                    : " The token in use was refused or lacks access to this repository.";
            return new HubException(HubException.Reason.UNAUTHORIZED,
                    "Unauthorized (" + status + detail + "): " + what + "." + hint);
        }
        return new HubException(HubException.Reason.HTTP_ERROR, "Unexpected HTTP " + status + detail + " from " + what);
    }

    private static RemoteFileInfo info(Map<String, String> seen, URI location) {
        long size = -1;
        String s = seen.get("size");
        if (s != null) {
            try {
                size = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                size = -1;
            }
        }
        return new RemoteFileInfo(seen.get("commit"), RemoteFileInfo.normalizeEtag(seen.get("etag")), size, location);
    }

    private static void remember(Map<String, String> seen, String key, Optional<String> value) {
        value.ifPresent(v -> seen.putIfAbsent(key, v));
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI location(URI from, HttpHeaders h) throws HubException {
        String loc = h.firstValue("Location").orElseThrow(() -> new HubException(HubException.Reason.HTTP_ERROR,
                "Redirect without a Location header from " + from));
        URI next = from.resolve(loc.trim());
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new HubException(HubException.Reason.HTTP_ERROR, "Refusing a redirect to " + next + " from " + from);
        }
        return next;
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
                && Objects.equals(lower(a.getHost()), lower(b.getHost()))
                && port(a) == port(b);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private Path checkCached(Path p, HubFile file, String expected) throws IOException {
        if (expected != null) {
            String actual = sha256(p);
            if (!expected.equals(actual)) {
                throw new HubException(HubException.Reason.CHECKSUM_MISMATCH,
                        "Checksum mismatch for the cached copy of " + file + " at " + p + ": expected sha256 "
                                + expected + ", got " + actual + ". " + quarantined(file, p));
            }
        }
        return p;
    }

    private static String normalizeSha256(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (!v.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("Not a sha256 (64 hex digits): '" + s + "'");
        }
        return v;
    }

    /** The sha256 of a file's bytes, as lowercase hex. */
    public static String sha256(Path file) throws IOException {
        return org.encodertraces.provenance.Hashes.sha256(file);
    }

    /** Percent-encodes as Python's {@code quote(s, safe="")}: unreserved characters stay. */
    static String percentEncode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    /** Says which endpoint and cache the client uses; never the token. */
    @Override
    public String toString() {
        return "HubClient[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set")
                + ", cache=" + cache.root() + ", offline=" + cache.offline() + "]";
    }

    /** Configures a {@link HubClient}; every setting has a sensible default. */
    public static final class Builder {
        private final ModelCache cache;
        private URI endpoint = DEFAULT_ENDPOINT;
        private URI urlMirror;
        private String token;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration attemptDeadline = Duration.ofHours(2);
        private TransferWatchdog.MinThroughput minThroughput = new TransferWatchdog.MinThroughput(1024, Duration.ofSeconds(60));
        private int maxRetries = 4;
        private Duration retryBackoff = Duration.ofMillis(500);

        private Builder(ModelCache cache) {
            this.cache = Objects.requireNonNull(cache, "cache");
        }

        /** The Hub (or mirror) to use; http or https, trailing slash ignored. */
        public Builder endpoint(URI endpoint) {
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
                throw new IllegalArgumentException("Hub endpoint must be an http(s) URL with a host: " + endpoint);
            }
            String s = endpoint.toString();
            while (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            this.endpoint = URI.create(s);
            return this;
        }

        /** The access token, or null for none. */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token;
            return this;
        }

        /** How long to wait for a connection. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** How long to wait for a reply's headers. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Longest wait for the next bytes of a body (a stalled download fails and is retried). */
        public Builder readTimeout(Duration d) {
            this.readTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Longest time one download attempt may take in all, however steadily bytes trickle in. */
        public Builder attemptDeadline(Duration d) {
            this.attemptDeadline = Objects.requireNonNull(d);
            return this;
        }

        /**
         * The least average rate a body must keep up over every {@code window} (a server that drips a
         * byte now and then never trips the read timeout); the attempt then fails and is retried
         * (resuming). 0 turns the check off.
         */
        public Builder minThroughput(long bytesPerSecond, Duration window) {
            this.minThroughput = new TransferWatchdog.MinThroughput(bytesPerSecond, window);
            return this;
        }

        /** How many times to retry after a retryable failure (0 for none). */
        public Builder maxRetries(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0: " + n);
            }
            this.maxRetries = n;
            return this;
        }

        /** The first wait before a retry; it doubles with each further retry. */
        public Builder retryBackoff(Duration d) {
            this.retryBackoff = Objects.requireNonNull(d);
            return this;
        }

        /** Where files published at https URLs outside the Hub are fetched from instead ({@link #ENV_URL_MIRROR}). */
        public Builder urlMirror(URI mirror) {
            String scheme = mirror.getScheme() == null ? "" : mirror.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || mirror.getHost() == null) {
                throw new IllegalArgumentException(ENV_URL_MIRROR + " must be an http(s) URL: " + mirror);
            }
            this.urlMirror = mirror;
            return this;
        }

        /** The client. */
        public HubClient build() {
            return new HubClient(this);
        }
    }
}
