package org.encodertraces.encoder.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads against real HTTP servers on loopback: one playing the Hub's resolve endpoint, one
 * playing the CDN its LFS redirects point at (another port, so another origin).
 */
@Timeout(60)
class HubClientTest {

    private static final String TOKEN = "hf_test_secret_token";

    @TempDir
    Path tmp;

    private HttpServer hub;
    private HttpServer cdn;
    /** Every request as "METHOD path | Range | Authorization", in arrival order. */
    private final List<String> hubLog = Collections.synchronizedList(new ArrayList<>());
    private final List<String> cdnLog = Collections.synchronizedList(new ArrayList<>());

    private final byte[] model = randomBytes(300_000, 1);
    private final byte[] small = "{\"hidden_size\": 768}\n".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws IOException {
        hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hub.setExecutor(Executors.newFixedThreadPool(4));
        cdn.setExecutor(Executors.newFixedThreadPool(4));
        hub.start();
        cdn.start();
    }

    @AfterEach
    void stop() {
        hub.stop(0);
        cdn.stop(0);
        ((ExecutorService) hub.getExecutor()).shutdownNow();
        ((ExecutorService) cdn.getExecutor()).shutdownNow();
    }

    // ---------------------------------------------------------------- helpers

    private URI hubUri() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    private URI cdnUri() {
        return URI.create("http://127.0.0.1:" + cdn.getAddress().getPort());
    }

    private ModelCache cache(boolean offline) {
        return new ModelCache(tmp.resolve("cache"), offline);
    }

    private HubClient client(ModelCache cache, String token) {
        return HubClient.builder(cache).endpoint(hubUri()).token(token)
                .retryBackoff(Duration.ofMillis(10)).maxRetries(3)
                .connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(10)).build();
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void log(List<String> log, HttpExchange ex) {
        log.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath()
                + " | " + ex.getRequestHeaders().getFirst("Range")
                + " | " + ex.getRequestHeaders().getFirst("Authorization"));
    }

    private void on(HttpServer server, List<String> log, String path, HttpHandler h) {
        server.createContext(path, ex -> {
            try (ex) {
                log(log, ex);
                h.handle(ex);
            } catch (IOException e) {
                // a handler that drops the connection on purpose ends here
            }
        });
    }

    /** The Hub's answer for an LFS file: a redirect to the CDN carrying the file's metadata. */
    private void lfsRedirect(HttpExchange ex, URI target, String sha, long size) throws IOException {
        ex.getResponseHeaders().set("Location", target.toString());
        ex.getResponseHeaders().set("X-Repo-Commit", "0123456789abcdef0123456789abcdef01234567");
        ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
        ex.getResponseHeaders().set("X-Linked-Size", Long.toString(size));
        ex.getResponseHeaders().set("ETag", "W/\"not-the-file-hash\"");
        ex.sendResponseHeaders(302, -1);
    }

    /** Serves bytes, honouring a Range header when asked to, with HEAD support. */
    private static void serve(HttpExchange ex, byte[] data, boolean honourRange) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        int status = 200;
        if (honourRange && range != null) {
            from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (data.length - 1) + "/" + data.length);
        }
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(data.length));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(status, data.length - from);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(data, from, data.length - from);
        }
    }

    /** Announces the full length, sends only the first {@code cut} bytes, then drops the connection. */
    private static void serveAndDrop(HttpExchange ex, byte[] data, int cut) throws IOException {
        ex.sendResponseHeaders(200, data.length);
        OutputStream out = ex.getResponseBody();
        out.write(data, 0, cut);
        out.flush();
        try {
            Thread.sleep(200); // let the client read what was sent before the reset can discard it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IOException("dropping the connection on purpose");
    }

    /** The N of "bytes=N-" in a logged request, or -1 when it had no Range. */
    private static long rangeStart(String logLine) {
        String range = logLine.split(" \\| ")[1];
        return range.equals("null") ? -1 : Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
    }

    private Path partsDir() {
        return tmp.resolve("cache").resolve("tmp");
    }

    private long partFiles() throws IOException {
        if (!Files.isDirectory(partsDir())) {
            return 0;
        }
        try (Stream<Path> s = Files.list(partsDir())) {
            return s.filter(p -> p.toString().endsWith(".part")).count();
        }
    }

    // ---------------------------------------------------------------- tests

    @Test
    void resolveUrlMatchesHuggingfaceHub() {
        HubClient c = HubClient.builder(cache(false)).build();
        assertEquals("https://huggingface.co/openai/clip-vit-base-patch32/resolve/main/onnx/model.onnx",
                c.resolveUrl(HubFile.of("openai/clip-vit-base-patch32", "onnx/model.onnx")).toString());
        assertEquals("https://huggingface.co/gpt2/resolve/refs%2Fpr%2F1/dir/a%20b%2Bc.onnx",
                c.resolveUrl(new HubFile("gpt2", "refs/pr/1", "dir/a b+c.onnx")).toString());
        HubClient mirror = HubClient.builder(cache(false)).endpoint(URI.create("https://mirror.example/hf/")).build();
        assertEquals("https://mirror.example/hf/a/b/resolve/v1.0/x.bin",
                mirror.resolveUrl(new HubFile("a/b", "v1.0", "x.bin")).toString());
    }

    @Test
    void downloadsSmallFileAndSendsToken() throws IOException {
        on(hub, hubLog, "/owner/repo/resolve/main/config.json", ex -> {
            ex.getResponseHeaders().set("ETag", "\"" + "a".repeat(40) + "\""); // a git sha1, not a sha256
            ex.getResponseHeaders().set("X-Repo-Commit", "c".repeat(40));
            serve(ex, small, true);
        });
        HubClient c = client(cache(false), TOKEN);
        List<long[]> progress = new ArrayList<>();
        Path p = c.download(HubFile.of("owner/repo", "config.json"), null, (d, t) -> progress.add(new long[] {d, t}));
        assertArrayEquals(small, Files.readAllBytes(p));
        assertEquals(tmp.resolve("cache/hub/owner--repo/main/config.json").toAbsolutePath(), p);
        assertEquals(List.of("HEAD /owner/repo/resolve/main/config.json | null | Bearer " + TOKEN,
                "GET /owner/repo/resolve/main/config.json | null | Bearer " + TOKEN), hubLog);
        assertArrayEquals(new long[] {small.length, small.length}, progress.get(progress.size() - 1));
        assertEquals(0, partFiles());
        assertFalse(c.toString().contains(TOKEN));

        // a second call is served from the cache without a request
        assertEquals(p, c.download(HubFile.of("owner/repo", "config.json")));
        assertEquals(2, hubLog.size());
    }

    @Test
    void followsRedirectChainToCdnVerifiesLfsHashAndDropsToken() throws IOException {
        String sha = sha256(model);
        // Hub: resolve -> (same origin, like a renamed repo) -> resolve of the new name -> CDN
        on(hub, hubLog, "/old/name/resolve/main/model.onnx", ex -> {
            ex.getResponseHeaders().set("Location", "/new/name/resolve/main/model.onnx");
            ex.sendResponseHeaders(307, -1);
        });
        on(hub, hubLog, "/new/name/resolve/main/model.onnx",
                ex -> lfsRedirect(ex, cdnUri().resolve("/cdn/first/" + sha), sha, model.length));
        // CDN: one more hop, then the bytes
        on(cdn, cdnLog, "/cdn/first/", ex -> {
            ex.getResponseHeaders().set("Location", "/cdn/blobs/" + sha + "?signature=xyz");
            ex.sendResponseHeaders(302, -1);
        });
        on(cdn, cdnLog, "/cdn/blobs/", ex -> serve(ex, model, true));

        HubClient c = client(cache(false), TOKEN);
        RemoteFileInfo info = c.fetchInfo(HubFile.of("old/name", "model.onnx"));
        assertEquals(sha, info.etag());
        assertEquals(sha, info.lfsSha256().orElseThrow());
        assertEquals(model.length, info.size());
        assertEquals("0123456789abcdef0123456789abcdef01234567", info.commitHash());
        assertEquals(cdnUri().resolve("/cdn/first/" + sha), info.location());

        Path p = c.download(HubFile.of("old/name", "model.onnx"));
        assertArrayEquals(model, Files.readAllBytes(p));
        // the token went to the Hub on every hop and never to the CDN
        assertTrue(hubLog.stream().allMatch(l -> l.endsWith("Bearer " + TOKEN)), hubLog.toString());
        assertFalse(cdnLog.isEmpty());
        assertTrue(cdnLog.stream().allMatch(l -> l.endsWith("| null")), cdnLog.toString());
        assertEquals(List.of("GET /cdn/first/" + sha + " | null | null", "GET /cdn/blobs/" + sha + " | null | null"),
                cdnLog);
    }

    @Test
    void resumesWithRangeAfterDroppedConnection() throws IOException {
        String sha = sha256(model);
        int cut = 123_456;
        AtomicInteger gets = new AtomicInteger();
        on(hub, hubLog, "/o/r/resolve/main/model.bin", ex -> lfsRedirect(ex, cdnUri().resolve("/blob"), sha, model.length));
        on(cdn, cdnLog, "/blob", ex -> {
            if (gets.incrementAndGet() == 1) {
                serveAndDrop(ex, model, cut);
            } else {
                serve(ex, model, true);
            }
        });
        List<long[]> progress = Collections.synchronizedList(new ArrayList<>());
        Path p = client(cache(false), null).download(HubFile.of("o/r", "model.bin"), sha,
                (d, t) -> progress.add(new long[] {d, t}));
        assertArrayEquals(model, Files.readAllBytes(p));
        assertEquals(2, cdnLog.size(), cdnLog.toString());
        assertEquals("GET /blob | null | null", cdnLog.get(0));
        // the second request resumed exactly where the part file ended: the last byte count of the
        // first attempt is reported again as the starting point of the second
        long k = rangeStart(cdnLog.get(1));
        assertTrue(k > 0 && k <= cut, cdnLog.toString());
        assertEquals(2, progress.stream().filter(u -> u[0] == k && u[1] == model.length).count());
        assertArrayEquals(new long[] {model.length, model.length}, progress.get(progress.size() - 1));
        assertEquals(0, partFiles());
    }

    @Test
    void restartsFromZeroWhenServerIgnoresRange() throws IOException {
        String sha = sha256(model);
        AtomicInteger gets = new AtomicInteger();
        on(hub, hubLog, "/o/r/resolve/main/model.bin", ex -> lfsRedirect(ex, cdnUri().resolve("/blob"), sha, model.length));
        on(cdn, cdnLog, "/blob", ex -> {
            if (gets.incrementAndGet() == 1) {
                serveAndDrop(ex, model, 50_000);
            } else {
                serve(ex, model, false); // answers 200 with the whole file, ignoring Range
            }
        });
        Path p = client(cache(false), null).download(HubFile.of("o/r", "model.bin"));
        assertArrayEquals(model, Files.readAllBytes(p));
        assertTrue(rangeStart(cdnLog.get(1)) > 0, cdnLog.toString()); // asked to resume, got 200, restarted
    }

    @Test
    void rejectsInconsistentContentRangeAndStartsAgain() throws IOException {
        String sha = sha256(model);
        AtomicInteger gets = new AtomicInteger();
        on(hub, hubLog, "/o/r/resolve/main/model.bin", ex -> lfsRedirect(ex, cdnUri().resolve("/blob"), sha, model.length));
        on(cdn, cdnLog, "/blob", ex -> {
            int n = gets.incrementAndGet();
            if (n == 1) {
                serveAndDrop(ex, model, 40_000);
            } else if (n == 2) {
                // claims to resume from the wrong byte
                ex.getResponseHeaders().set("Content-Range", "bytes 0-" + (model.length - 1) + "/" + model.length);
                ex.sendResponseHeaders(206, model.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(model);
                }
            } else {
                serve(ex, model, true);
            }
        });
        Path p = client(cache(false), null).download(HubFile.of("o/r", "model.bin"));
        assertArrayEquals(model, Files.readAllBytes(p));
        assertTrue(rangeStart(cdnLog.get(1)) > 0, cdnLog.toString());
        assertEquals("GET /blob | null | null", cdnLog.get(2)); // the bad part was thrown away
    }

    /**
     * Issue 24: a resume answered with a range that stops short of the end (a server may send less than
     * asked; RFC 9110 15.3.7 has the client inspect what a 206 encloses and ask again for the rest) was
     * called unusable here, its bytes and the part thrown away and the file fetched again from zero,
     * where the photo downloader kept them. The shared transfer keeps them and resumes after them.
     */
    @Test
    void aResumeAnsweredWithAShortRangeKeepsItsBytesAndAsksForTheRest() throws IOException {
        String sha = sha256(model);
        AtomicInteger gets = new AtomicInteger();
        on(hub, hubLog, "/o/r/resolve/main/model.bin", ex -> lfsRedirect(ex, cdnUri().resolve("/blob"), sha, model.length));
        on(cdn, cdnLog, "/blob", ex -> {
            int n = gets.incrementAndGet();
            if (n == 1) {
                serveAndDrop(ex, model, 40_000);
            } else if (n == 2) {
                String range = ex.getRequestHeaders().getFirst("Range");
                int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
                ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (from + 9_999) + "/" + model.length);
                ex.sendResponseHeaders(206, 10_000);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(model, from, 10_000);
                }
            } else {
                serve(ex, model, true);
            }
        });
        Path p = client(cache(false), null).download(HubFile.of("o/r", "model.bin"), sha, DownloadProgress.NONE);
        assertArrayEquals(model, Files.readAllBytes(p));
        assertEquals(3, cdnLog.size(), cdnLog.toString());
        long k = rangeStart(cdnLog.get(1));
        assertTrue(k > 0, cdnLog.toString());
        assertEquals(k + 10_000, rangeStart(cdnLog.get(2)), "the third request asks for what the short range left: " + cdnLog);
    }

    @Test
    void wrongLfsChecksumDeletesPartAndNamesUrlAndHashes() throws IOException {
        String claimed = sha256("something else".getBytes(StandardCharsets.UTF_8));
        on(hub, hubLog, "/o/r/resolve/main/model.bin",
                ex -> lfsRedirect(ex, cdnUri().resolve("/blob"), claimed, model.length));
        on(cdn, cdnLog, "/blob", ex -> serve(ex, model, true));
        HubClient c = client(cache(false), null);
        HubException e = assertThrows(HubException.class, () -> c.download(HubFile.of("o/r", "model.bin")));
        assertEquals(HubException.Reason.CHECKSUM_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains(hubUri() + "/o/r/resolve/main/model.bin"), e.getMessage());
        assertTrue(e.getMessage().contains(claimed), e.getMessage());
        assertTrue(e.getMessage().contains(sha256(model)), e.getMessage());
        assertEquals(0, partFiles());
        assertTrue(c.cache().find(HubFile.of("o/r", "model.bin")).isEmpty());
    }

    @Test
    void callerChecksumIsEnforcedForNonLfsFiles() throws IOException {
        on(hub, hubLog, "/o/r/resolve/main/config.json", ex -> serve(ex, small, true));
        HubClient c = client(cache(false), null);
        String wrong = "0".repeat(64);
        HubException e = assertThrows(HubException.class,
                () -> c.download(HubFile.of("o/r", "config.json"), wrong, DownloadProgress.NONE));
        assertEquals(HubException.Reason.CHECKSUM_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains(wrong) && e.getMessage().contains(sha256(small)), e.getMessage());
        assertEquals(0, partFiles());
        Path p = c.download(HubFile.of("o/r", "config.json"), sha256(small).toUpperCase(), DownloadProgress.NONE);
        assertArrayEquals(small, Files.readAllBytes(p));
    }

    @Test
    void registryHashDisagreeingWithHubFailsBeforeDownloading() throws IOException {
        String sha = sha256(model);
        on(hub, hubLog, "/o/r/resolve/main/model.bin", ex -> lfsRedirect(ex, cdnUri().resolve("/blob"), sha, model.length));
        on(cdn, cdnLog, "/blob", ex -> serve(ex, model, true));
        HubException e = assertThrows(HubException.class, () -> client(cache(false), null)
                .download(HubFile.of("o/r", "model.bin"), "1".repeat(64), DownloadProgress.NONE));
        assertEquals(HubException.Reason.CHECKSUM_MISMATCH, e.reason());
        assertTrue(cdnLog.isEmpty());
    }

    @Test
    void notFoundAndUnauthorizedGiveClearErrors() {
        on(hub, hubLog, "/o/r/resolve/main/missing.onnx", ex -> {
            ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
            ex.getResponseHeaders().set("X-Error-Message", "Entry not found");
            ex.sendResponseHeaders(404, -1);
        });
        on(hub, hubLog, "/o/private/resolve/main/model.onnx", ex -> {
            ex.getResponseHeaders().set("X-Error-Code", "GatedRepo");
            ex.sendResponseHeaders(401, -1);
        });
        HubClient c = client(cache(false), null);
        HubException nf = assertThrows(HubException.class, () -> c.download(HubFile.of("o/r", "missing.onnx")));
        assertEquals(HubException.Reason.NOT_FOUND, nf.reason());
        assertTrue(nf.getMessage().contains("o/r@main/missing.onnx") && nf.getMessage().contains("EntryNotFound"),
                nf.getMessage());
        HubException ua = assertThrows(HubException.class, () -> c.download(HubFile.of("o/private", "model.onnx")));
        assertEquals(HubException.Reason.UNAUTHORIZED, ua.reason());
        assertTrue(ua.getMessage().contains("HF_TOKEN"), ua.getMessage());
        HubException ua2 = assertThrows(HubException.class,
                () -> client(cache(false), TOKEN).download(HubFile.of("o/private", "model.onnx")));
        assertTrue(ua2.getMessage().contains("token in use was refused"), ua2.getMessage());
        assertFalse(ua2.getMessage().contains(TOKEN));
        // 4xx are not retried: one HEAD each
        assertEquals(3, hubLog.size(), hubLog.toString());
    }

    @Test
    void retriesServerErrorsThenGivesUp() throws IOException {
        AtomicInteger heads = new AtomicInteger();
        on(hub, hubLog, "/o/r/resolve/main/flaky.json", ex -> {
            if (ex.getRequestMethod().equals("HEAD") && heads.incrementAndGet() <= 2) {
                ex.sendResponseHeaders(503, -1);
            } else {
                serve(ex, small, true);
            }
        });
        on(hub, hubLog, "/o/r/resolve/main/down.json", ex -> ex.sendResponseHeaders(500, -1));
        HubClient c = client(cache(false), null);
        assertArrayEquals(small, Files.readAllBytes(c.download(HubFile.of("o/r", "flaky.json"))));
        assertEquals(3, heads.get());
        HubException e = assertThrows(HubException.class, () -> c.download(HubFile.of("o/r", "down.json")));
        assertEquals(HubException.Reason.NETWORK, e.reason());
        assertTrue(e.getMessage().contains("after 4 attempts") && e.getMessage().contains("500"), e.getMessage());
    }

    @Test
    void offlineModeServesCacheAndNamesWhatIsMissing() throws IOException {
        on(hub, hubLog, "/o/r/resolve/main/config.json", ex -> serve(ex, small, true));
        Path online = client(cache(false), null).download(HubFile.of("o/r", "config.json"));
        int requests = hubLog.size();

        HubClient offline = client(cache(true), null);
        assertEquals(online, offline.download(HubFile.of("o/r", "config.json")));
        HubException e = assertThrows(HubException.class, () -> offline.download(HubFile.of("o/r", "other.onnx")));
        assertEquals(HubException.Reason.OFFLINE_MISSING, e.reason());
        assertTrue(e.getMessage().contains("other.onnx") && e.getMessage().contains("o/r")
                && e.getMessage().contains("main"), e.getMessage());
        assertEquals(requests, hubLog.size()); // offline never touched the network

        ModelCache fromEnv = ModelCache.fromEnvironment(Map.of("TRACES_CACHE", tmp.toString(), "HF_HUB_OFFLINE", "1"),
                tmp, "Linux");
        assertTrue(fromEnv.offline());
        assertFalse(ModelCache.fromEnvironment(Map.of("TRACES_OFFLINE", "0"), tmp, "Linux").offline());
        assertTrue(ModelCache.fromEnvironment(Map.of("TRACES_OFFLINE", "yes"), tmp, "Linux").offline());
    }

    private List<Path> quarantined() throws IOException {
        Path q = tmp.resolve("cache").resolve("quarantine");
        if (!Files.isDirectory(q)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(q)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /**
     * Issue 23: a cached model replaced by garbage was refused, and stayed in the cache, so every
     * later run refused it again. It is moved aside (quarantine), the message says where and that
     * the next run downloads it again, and the next run does.
     */
    @Test
    void aCachedCopyThatFailsItsChecksumIsMovedAsideAndDownloadedAgain() throws IOException {
        String sha = sha256(model);
        on(hub, hubLog, "/o/r/resolve/main/model.onnx", ex -> lfsRedirect(ex, cdnUri().resolve("/blob"), sha, model.length));
        on(cdn, cdnLog, "/blob", ex -> serve(ex, model, true));
        HubClient c = client(cache(false), null);
        HubFile f = HubFile.of("o/r", "model.onnx");
        Path cached = c.download(f, sha, DownloadProgress.NONE);
        byte[] garbage = "<html>not a model</html>".getBytes(StandardCharsets.UTF_8);
        Files.write(cached, garbage);

        HubException e = assertThrows(HubException.class, () -> c.download(f, sha, DownloadProgress.NONE));
        assertEquals(HubException.Reason.CHECKSUM_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("moved out of the cache to") && e.getMessage().contains("the next run downloads it again"),
                e.getMessage());
        assertFalse(Files.exists(cached), "the bad copy is no longer in the cache");
        List<Path> aside = quarantined();
        assertEquals(1, aside.size(), aside.toString());
        assertTrue(e.getMessage().contains(aside.get(0).toString()), e.getMessage());
        assertArrayEquals(garbage, Files.readAllBytes(aside.get(0)), "the bad bytes are kept to look at");

        long gets = cdnLog.stream().filter(l -> l.startsWith("GET")).count();
        assertArrayEquals(model, Files.readAllBytes(c.download(f, sha, DownloadProgress.NONE)));
        assertEquals(gets + 1, cdnLog.stream().filter(l -> l.startsWith("GET")).count(), "downloaded again");
    }

    /** Issue 23, offline: a cached copy its check refuses is moved aside too, and the next run online fetches it. */
    @Test
    void offlineACachedCopyRefusedByItsCheckIsMovedAsideForTheNextRunOnline() throws IOException {
        on(hub, hubLog, "/o/r/resolve/main/config.json", ex -> serve(ex, small, true));
        HubFile f = HubFile.of("o/r", "config.json");
        FileCheck json = p -> {
            if (!Files.readString(p).startsWith("{")) {
                throw new IOException("not a JSON object");
            }
        };
        Path cached = client(cache(false), null).download(f, null, DownloadProgress.NONE, json);
        Files.writeString(cached, "garbage");
        HubClient offline = client(cache(true), null);
        HubException e = assertThrows(HubException.class, () -> offline.download(f, null, DownloadProgress.NONE, json));
        assertEquals(HubException.Reason.INVALID_CONTENT, e.reason());
        assertTrue(e.getMessage().contains("not a JSON object") && e.getMessage().contains("moved out of the cache to")
                && e.getMessage().contains("the next run with the network allowed"), e.getMessage());
        assertFalse(Files.exists(cached));
        assertEquals(1, quarantined().size());
        HubException missing = assertThrows(HubException.class, () -> offline.download(f, null, DownloadProgress.NONE, json));
        assertEquals(HubException.Reason.OFFLINE_MISSING, missing.reason(), "offline, the bad copy is not served again");
        assertArrayEquals(small, Files.readAllBytes(client(cache(false), null).download(f, null, DownloadProgress.NONE, json)));
    }

    @Test
    void rejectsTraversalAndMalformedNames() {
        String[][] bad = {
            {"../etc", "main", "x"}, {"owner/..", "main", "x"}, {"a/b/c", "main", "x"}, {"/abs", "main", "x"},
            {"a//b", "main", "x"}, {"a--b/c", "main", "x"}, {"a\\b", "main", "x"}, {"", "main", "x"},
            {"o/r", "..", "x"}, {"o/r", "main/../x", "x"}, {"o/r", "/main", "x"}, {"o/r", "a\\b", "x"},
            {"o/r", "", "x"}, {"o/r", "refs//pr", "x"},
            {"o/r", "main", "../../etc/passwd"}, {"o/r", "main", "/etc/passwd"}, {"o/r", "main", "a/../../b"},
            {"o/r", "main", "a\\..\\b"}, {"o/r", "main", "a//b"}, {"o/r", "main", "a/"}, {"o/r", "main", ""},
            {"o/r", "main", "."}, {"o/r", "main", "C:/x"}, {"o/r", "main", "a\u0000b"}, {"o/r", "main", "a/./b"},
        };
        for (String[] b : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new HubFile(b[0], b[1], b[2]), String.join(" | ", b));
            assertTrue(e.getMessage().startsWith("Invalid "), e.getMessage());
        }
        // legitimate names pass and stay under the cache root
        ModelCache c = cache(false);
        HubFile ok = new HubFile("gpt2", "refs/pr/1", "onnx/sub dir/model..v2.onnx");
        assertEquals(c.root().resolve("hub/gpt2/refs%2Fpr%2F1/onnx/sub dir/model..v2.onnx"), c.pathFor(ok));
        assertTrue(c.partFile(ok, "\"../../evil\"").startsWith(c.root().resolve("tmp")));
    }

    @Test
    void twoThreadsDownloadingTheSameFileGetOneCorrectFile() throws Exception {
        String sha = sha256(model);
        AtomicInteger gets = new AtomicInteger();
        on(hub, hubLog, "/o/r/resolve/main/model.bin", ex -> lfsRedirect(ex, cdnUri().resolve("/blob"), sha, model.length));
        on(cdn, cdnLog, "/blob", ex -> {
            gets.incrementAndGet();
            try {
                Thread.sleep(300); // keep the first download in flight while the second arrives
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            serve(ex, model, true);
        });
        // two clients with their own cache objects over the same root, as two processes would be
        Callable<Path> job1 = () -> client(cache(false), null).download(HubFile.of("o/r", "model.bin"));
        Callable<Path> job2 = () -> client(cache(false), null).download(HubFile.of("o/r", "model.bin"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Path> a = pool.submit(job1);
            Future<Path> b = pool.submit(job2);
            assertEquals(a.get(), b.get());
            assertArrayEquals(model, Files.readAllBytes(a.get()));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, gets.get());
        assertEquals(0, partFiles());
    }

    @Test
    void environmentConfiguresEndpointTokenAndCacheRoot() {
        ModelCache mc = cache(false);
        HubClient c = HubClient.fromEnvironment(Map.of("HF_ENDPOINT", "http://127.0.0.1:9/", "HF_TOKEN", TOKEN), mc);
        assertEquals(URI.create("http://127.0.0.1:9"), c.endpoint());
        assertTrue(c.hasToken());
        HubClient d = HubClient.fromEnvironment(Map.of(), mc);
        assertEquals(HubClient.DEFAULT_ENDPOINT, d.endpoint());
        assertFalse(d.hasToken());
        assertThrows(IllegalArgumentException.class,
                () -> HubClient.fromEnvironment(Map.of("HF_ENDPOINT", "file:///etc"), mc));

        Path home = Path.of("/home/u");
        assertEquals(Path.of("/x/c"), ModelCache.defaultRoot(Map.of("TRACES_CACHE", "/x/c"), home, "Linux"));
        assertEquals(Path.of("/xdg/encoder-traces"),
                ModelCache.defaultRoot(Map.of("XDG_CACHE_HOME", "/xdg"), home, "Linux"));
        assertEquals(home.resolve(".cache/encoder-traces"), ModelCache.defaultRoot(Map.of(), home, "Linux"));
        assertEquals(home.resolve("Library/Caches/encoder-traces"), ModelCache.defaultRoot(Map.of(), home, "Mac OS X"));
        assertNull(RemoteFileInfo.normalizeEtag("\"\""));
        assertEquals("abc", RemoteFileInfo.normalizeEtag("W/\"abc\""));
    }
}
