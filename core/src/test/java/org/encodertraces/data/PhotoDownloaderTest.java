package org.encodertraces.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The downloader against a real HTTP server on loopback, one behaviour per path. */
class PhotoDownloaderTest {
    private HttpServer server;
    private String base;
    private final Map<String, byte[]> photos = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile long retryAfterSentAt;
    private volatile int fakeChunks = 4;
    /** Bytes the {@code /fake/} path managed to send before the client hung up (or all of them). */
    private final AtomicLong fakeSent = new AtomicLong();
    /** Set when the {@code /drip/} path ended on its own, that is, when the test was over before the client gave up. */
    private final AtomicBoolean dripEnded = new AtomicBoolean();

    /** A real, decodable JPEG of noise (about {@code n} bytes or more), since downloads are verified by decoding. */
    static byte[] jpeg(int n, long seed) {
        int side = Math.max(16, (int) Math.sqrt(n / 1.5));
        byte[] px = new byte[side * side * 3];
        new Random(seed).nextBytes(px);
        return org.encodertraces.image.JpegCodec.encode(new org.encodertraces.image.RgbImage(side, side, px), 95,
                org.encodertraces.image.ChromaSubsampling.S444);
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            String path = ex.getRequestURI().getPath();
            String name = path.substring(path.lastIndexOf('/') + 1);
            int hit = hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null) {
                ranges.add(path + " " + range);
            }
            byte[] body = photos.get(name);
            if (path.startsWith("/slow-start/")) {
                sleep(150); // tests concurrency: requests overlap
            }
            // a rate limiter as real ones behave: a request before its Retry-After has passed gets another 429
            if (path.startsWith("/ratelimited/")
                    && (hit == 1 || System.nanoTime() - retryAfterSentAt < TimeUnit.MILLISECONDS.toNanos(950))) {
                ex.getResponseHeaders().add("Retry-After", "1");
                retryAfterSentAt = System.nanoTime();
                ex.sendResponseHeaders(429, -1);
                return;
            }
            if (path.startsWith("/tofile/")) {
                ex.getResponseHeaders().add("Location", "file:///etc/passwd");
                ex.sendResponseHeaders(302, -1);
                return;
            }
            if (path.startsWith("/fake/")) {
                // JPEG magic, then zeros: looks like a JPEG to a magic-number check, decodes as nothing
                ex.sendResponseHeaders(200, 0);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0});
                    byte[] zeros = new byte[64 * 1024];
                    for (int i = 0; i < fakeChunks; i++) {
                        o.write(zeros);
                        fakeSent.addAndGet(zeros.length);
                    }
                }
                return;
            }
            if (path.startsWith("/drip/")) {
                ex.sendResponseHeaders(200, 0);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
                    // a byte every 0.2 s until the test is over: each read is quick, the whole attempt is endless
                    while (!release.await(200, TimeUnit.MILLISECONDS)) {
                        o.write(0);
                        o.flush();
                    }
                    dripEnded.set(true);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                } catch (IOException gone) {
                    // the client hung up, as it should
                }
                return;
            }
            if (path.startsWith("/error500/")) {
                // an error page with a body, on a connection the server keeps alive
                byte[] page = "<html><body>Internal Server Error: the photo service failed</body></html>".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(500, 0); // chunked
                ex.getResponseBody().write(page);
                return;
            }
            if (path.startsWith("/unavailable/")) {
                ex.sendResponseHeaders(503, -1);
                return;
            }
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (path.startsWith("/html/")) {
                body = "<html>gone</html>".getBytes(StandardCharsets.UTF_8);
            }
            if (path.startsWith("/hugerange/") && range != null) {
                // a resume answered with numbers no long holds
                String huge = "99999999999999999999";
                ex.getResponseHeaders().add("Content-Range", "bytes " + huge + "-" + huge + "/" + huge);
                ex.sendResponseHeaders(206, 10);
                ex.getResponseBody().write(new byte[10]);
                ex.getResponseBody().close();
                return;
            }
            if (path.startsWith("/overlong/") && range != null) {
                // a resume whose range is right but whose body (chunked, so no length holds it) runs past the file's end
                long at = Long.parseLong(range.replaceAll("bytes=(\\d+)-", "$1"));
                ex.getResponseHeaders().add("Content-Range", "bytes " + at + "-" + (body.length - 1) + "/" + body.length);
                ex.sendResponseHeaders(206, 0);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body, (int) at, (int) (body.length - at));
                    o.write(new byte[5000]);
                }
                return;
            }
            long from = 0;
            if (range != null && !path.startsWith("/norange/") && !path.startsWith("/ignorerange/")) {
                from = Long.parseLong(range.replaceAll("bytes=(\\d+)-", "$1"));
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                ex.sendResponseHeaders(206, body.length - from);
            } else {
                ex.sendResponseHeaders(200, body.length);
            }
            OutputStream out = ex.getResponseBody();
            int half = body.length / 2;
            if ((path.startsWith("/drop/") || path.startsWith("/norange/")) && hit == 1) {
                out.write(body, 0, half); // then the connection dies
                out.flush();
                throw new IOException("dropping the connection on purpose");
            }
            if (path.startsWith("/stall/") && (hit == 1 || name.startsWith("always"))) {
                out.write(body, (int) from, (int) ((body.length - from) / 2)); // half of what is owed
                out.flush();
                await(); // stalls until the test ends
                return;
            }
            out.write(body, (int) from, (int) (body.length - from));
            out.close();
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void await() {
        try {
            release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static PhotoDownloader downloader(int concurrency, int attempts) {
        return new PhotoDownloader(new PhotoDownloader.Options(concurrency, Duration.ofSeconds(2), Duration.ofMillis(400), attempts,
                Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ZERO, true, "test"));
    }

    private PhotoDownloader.Job job(String id, String dir) {
        photos.putIfAbsent(id + ".jpg", jpeg(20_000 + id.hashCode() % 1000, id.hashCode()));
        return new PhotoDownloader.Job(id, base + "/" + dir + "/" + id + ".jpg", id + ".jpg");
    }

    @Test
    void downloadsInBoundedParallelAndSkipsCompleteFilesOnRerun(@TempDir Path out) throws IOException {
        List<PhotoDownloader.Job> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            jobs.add(job(Long.toString(50_000_000_000L + i), "slow-start"));
        }
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        PhotoDownloader.Result r = downloader(3, 2).download(jobs, out, (j, o, done, total) -> seen.add(o + " " + done + "/" + total));
        assertEquals(10, r.downloaded());
        assertTrue(r.failures().isEmpty());
        assertEquals(10, seen.size());
        assertTrue(seen.contains("DOWNLOADED 10/10"), seen.toString());
        assertTrue(maxInFlight.get() <= 3, "at most 3 at once, saw " + maxInFlight.get());
        assertTrue(maxInFlight.get() >= 2, "downloads overlap, saw " + maxInFlight.get());
        for (PhotoDownloader.Job j : jobs) {
            assertArrayEquals(photos.get(j.fileName()), Files.readAllBytes(out.resolve(j.fileName())));
        }
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".part")), "no part files left");
        }
        assertEquals(List.of("id\turl\treason"), Files.readAllLines(r.failuresFile()));

        PhotoDownloader.Result again = downloader(3, 2).download(jobs, out, PhotoDownloader.Listener.NONE);
        assertEquals(10, again.skipped());
        assertEquals(0, again.downloaded());
        assertEquals(10, hits.values().stream().mapToInt(AtomicInteger::get).sum(), "nothing fetched twice");
    }

    @Test
    void failuresAreRecordedNotFatal(@TempDir Path out) throws IOException {
        PhotoDownloader.Job ok = job("1", "plain");
        PhotoDownloader.Job missing = new PhotoDownloader.Job("2", base + "/plain/2.jpg", "2.jpg");
        PhotoDownloader.Job down = job("3", "unavailable");
        PhotoDownloader.Job html = job("4", "html");
        PhotoDownloader.Job noUrl = new PhotoDownloader.Job("5", "", "5.jpg");
        PhotoDownloader.Result r = downloader(2, 3).download(List.of(ok, missing, down, html, noUrl), out, PhotoDownloader.Listener.NONE);
        assertEquals(1, r.downloaded());
        assertEquals(List.of("2", "3", "4", "5"), r.failures().stream().map(PhotoDownloader.Failure::id).toList(), "in job order");
        assertTrue(r.failures().get(0).reason().startsWith("HTTP 404"), r.failures().get(0).reason());
        assertEquals(1, hits.get("/plain/2.jpg").get(), "a 404 is not retried");
        assertTrue(r.failures().get(1).reason().contains("HTTP 503") && r.failures().get(1).reason().contains("after 3 attempts"),
                r.failures().get(1).reason());
        assertEquals(3, hits.get("/unavailable/3.jpg").get(), "a 503 is retried");
        assertTrue(r.failures().get(2).reason().startsWith("not a JPEG"), r.failures().get(2).reason());
        assertEquals("no url", r.failures().get(3).reason());
        assertFalse(Files.exists(out.resolve("4.jpg")) || Files.exists(out.resolve("4.jpg.part")));
        List<String> tsv = Files.readAllLines(out.resolve(PhotoDownloader.FAILURES_FILE));
        assertEquals(5, tsv.size());
        assertEquals("2\t" + base + "/plain/2.jpg\t" + r.failures().get(0).reason(), tsv.get(1));
    }

    @Test
    void aServerErrorWithABodyIsNamedOnEveryAttemptNotAsHttpMinusOne(@TempDir Path out) throws IOException {
        PhotoDownloader.Job a = job("61", "error500");
        PhotoDownloader.Job b = job("62", "error500");
        PhotoDownloader.Result r = downloader(1, 3).download(List.of(a, b), out, PhotoDownloader.Listener.NONE);
        assertEquals(2, r.failures().size(), r.failures().toString());
        for (PhotoDownloader.Failure f : r.failures()) {
            assertTrue(f.reason().startsWith("HTTP 500") && f.reason().contains("after 3 attempts"), f.reason());
            assertFalse(f.reason().contains("-1"), f.reason());
        }
        assertEquals(3, hits.get("/error500/61.jpg").get(), "each attempt reached the server as a request of its own");
        assertEquals(3, hits.get("/error500/62.jpg").get());
    }

    @Test
    void honoursRetryAfterOn429ThenSucceeds(@TempDir Path out) throws IOException {
        PhotoDownloader.Job j = job("77", "ratelimited");
        PhotoDownloader.Result r = downloader(1, 3).download(List.of(j), out, PhotoDownloader.Listener.NONE);
        assertEquals(1, r.downloaded(), r.failures().toString());
        // a retry after the 20 ms back-off instead of the Retry-After would have met a second 429 (3 requests, or a failure)
        assertEquals(2, hits.get("/ratelimited/77.jpg").get(), "one 429, then the photo: the retry waited for Retry-After: 1");
        assertArrayEquals(photos.get("77.jpg"), Files.readAllBytes(out.resolve("77.jpg")));
    }

    @Test
    void droppedConnectionResumesWithRange(@TempDir Path out) throws IOException {
        PhotoDownloader.Job j = job("88", "drop");
        PhotoDownloader.Result r = downloader(1, 3).download(List.of(j), out, PhotoDownloader.Listener.NONE);
        assertEquals(1, r.downloaded(), r.failures().toString());
        assertEquals(2, hits.get("/drop/88.jpg").get());
        int half = photos.get("88.jpg").length / 2;
        assertEquals(List.of("/drop/88.jpg bytes=" + half + "-"), ranges, "second request resumes from the bytes kept");
        assertArrayEquals(photos.get("88.jpg"), Files.readAllBytes(out.resolve("88.jpg")));
    }

    @Test
    void serverIgnoringRangeIsReadFromTheStart(@TempDir Path out) throws IOException {
        PhotoDownloader.Job j = job("89", "norange");
        PhotoDownloader.Result r = downloader(1, 3).download(List.of(j), out, PhotoDownloader.Listener.NONE);
        assertEquals(1, r.downloaded(), r.failures().toString());
        assertEquals(1, ranges.size(), "a Range was asked for");
        assertArrayEquals(photos.get("89.jpg"), Files.readAllBytes(out.resolve("89.jpg")), "200 replaced the part, not appended");
    }

    @Test
    void partLeftByAnEarlierRunIsResumed(@TempDir Path out) throws IOException {
        PhotoDownloader.Job j = job("90", "plain");
        byte[] all = photos.get("90.jpg");
        Files.write(out.resolve("90.jpg.part"), java.util.Arrays.copyOf(all, 1000));
        PhotoDownloader.Result r = downloader(1, 2).download(List.of(j), out, PhotoDownloader.Listener.NONE);
        assertEquals(1, r.downloaded());
        assertEquals(List.of("/plain/90.jpg bytes=1000-"), ranges);
        assertArrayEquals(all, Files.readAllBytes(out.resolve("90.jpg")));
    }

    @Test
    void stalledServerTimesOutThenResumesOrFails(@TempDir Path out) throws IOException {
        PhotoDownloader.Job once = job("91", "stall");
        PhotoDownloader.Job always = job("always92", "stall");
        PhotoDownloader.Result r = downloader(2, 2).download(List.of(once, always), out, PhotoDownloader.Listener.NONE);
        assertEquals(1, r.downloaded());
        assertArrayEquals(photos.get("91.jpg"), Files.readAllBytes(out.resolve("91.jpg")));
        assertEquals(1, r.failures().size(), r.failures().toString());
        assertTrue(r.failures().get(0).reason().startsWith("timed out") && r.failures().get(0).reason().contains("after 2 attempts"),
                r.failures().get(0).reason());
        assertFalse(Files.exists(out.resolve("always92.jpg")), "an incomplete file never gets the final name");
        assertTrue(Files.exists(out.resolve("always92.jpg.part")), "the part is kept for the next run");
    }

    private static PhotoDownloader downloader(long maxBytes, Duration read, Duration deadline) {
        return new PhotoDownloader(new PhotoDownloader.Options(1, Duration.ofSeconds(2), read, 1, Duration.ofMillis(20),
                Duration.ofSeconds(5), Duration.ZERO, true, "test", maxBytes, deadline, true));
    }

    @Test
    void aBodyOverThePerPhotoCapIsRefusedWhileStreaming(@TempDir Path out) throws IOException {
        fakeChunks = 4000; // 250 MiB if read to the end
        PhotoDownloader.Result r = downloader(1 << 20, Duration.ofSeconds(5), Duration.ofSeconds(20))
                .download(List.of(new PhotoDownloader.Job("big", base + "/fake/big.jpg", "big.jpg")), out, PhotoDownloader.Listener.NONE);
        assertEquals(0, r.downloaded());
        assertTrue(r.failures().get(0).reason().contains("per-photo cap of 1048576 bytes"), r.failures().get(0).reason());
        assertTrue(fakeSent.get() < 64L << 20, "refused as it streams, not after 250 MiB: the server sent " + fakeSent.get() + " bytes");
        assertFalse(Files.exists(out.resolve("big.jpg")) || Files.exists(out.resolve("big.jpg.part")));
    }

    @Test
    void jpegMagicFollowedByZerosIsNotCountedAsAPhoto(@TempDir Path out) throws IOException {
        PhotoDownloader.Result r = downloader(PhotoDownloader.Options.DEFAULT_MAX_BYTES, Duration.ofSeconds(5), Duration.ofSeconds(20))
                .download(List.of(new PhotoDownloader.Job("z", base + "/fake/z.jpg", "z.jpg")), out, PhotoDownloader.Listener.NONE);
        assertEquals(0, r.downloaded());
        assertTrue(r.failures().get(0).reason().startsWith("downloaded file is not a readable image"), r.failures().get(0).reason());
        assertFalse(Files.exists(out.resolve("z.jpg")));
    }

    /** The drip never ends on its own, so only the deadline can end the attempt ({@code @Timeout} fails a client that would wait forever). */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDrippingServerIsCutOffAtTheAttemptDeadline(@TempDir Path out) throws IOException {
        PhotoDownloader.Result r = downloader(PhotoDownloader.Options.DEFAULT_MAX_BYTES, Duration.ofSeconds(1), Duration.ofSeconds(1))
                .download(List.of(new PhotoDownloader.Job("d", base + "/drip/d.jpg", "d.jpg")), out, PhotoDownloader.Listener.NONE);
        assertFalse(dripEnded.get(), "the downloader gave up while the server was still dripping");
        assertEquals(0, r.downloaded());
        assertTrue(r.failures().get(0).reason().contains("deadline of 1 s"), r.failures().get(0).reason());
        assertFalse(r.failures().get(0).reason().contains("no data arrived"), "the deadline tripped, not the 1 s read timeout");
        assertFalse(Files.exists(out.resolve("d.jpg")), "an incomplete file never gets the final name");
    }

    @Test
    void aRedirectToAFileUrlIsNamedAsSuch(@TempDir Path out) throws IOException {
        PhotoDownloader.Result r = downloader(2, 2)
                .download(List.of(new PhotoDownloader.Job("f", base + "/tofile/f.jpg", "f.jpg")), out, PhotoDownloader.Listener.NONE);
        assertEquals(0, r.downloaded());
        assertTrue(r.failures().get(0).reason().contains("redirect to a non-http(s) address (file:///etc/passwd)"), r.failures().get(0).reason());
    }

    /**
     * Issue 24: the two downloaders parsed Content-Range apart, and this one let a number beyond a
     * long escape as a NumberFormatException that ended the whole batch ("download worker failed").
     * The shared parser calls such a range unusable: the part is dropped and the photo fetched again.
     */
    @Test
    void aContentRangeBeyondALongRestartsThatPhotoAndEndsNoBatch(@TempDir Path out) throws IOException {
        PhotoDownloader.Job j = job("94", "hugerange");
        byte[] all = photos.get("94.jpg");
        Files.write(out.resolve("94.jpg.part"), java.util.Arrays.copyOf(all, 1000));
        PhotoDownloader.Result r = downloader(1, 3).download(List.of(j, job("95", "plain")), out, PhotoDownloader.Listener.NONE);
        assertEquals(2, r.downloaded(), r.failures().toString());
        assertEquals(List.of("/hugerange/94.jpg bytes=1000-"), ranges, "one resume, then the photo from its start");
        assertEquals(2, hits.get("/hugerange/94.jpg").get());
        assertArrayEquals(all, Files.readAllBytes(out.resolve("94.jpg")));
    }

    /**
     * Issue 24: after asking to resume, a 200 (the server ignored the Range) replaces the part, but its
     * bytes were counted on top of the part's against the per-photo cap, so a photo under the cap was
     * refused as over it. The shared transfer counts a 200 from zero, as the Hub client did.
     */
    @Test
    void aServerIgnoringTheRangeIsHeldToTheCapByItsOwnBytes(@TempDir Path out) throws IOException {
        PhotoDownloader.Job j = job("96", "ignorerange");
        byte[] all = photos.get("96.jpg");
        Files.write(out.resolve("96.jpg.part"), java.util.Arrays.copyOf(all, all.length - 100));
        PhotoDownloader.Result r = downloader(all.length + 1000, Duration.ofSeconds(5), Duration.ofSeconds(20))
                .download(List.of(j), out, PhotoDownloader.Listener.NONE);
        assertEquals(1, r.downloaded(), r.failures().toString());
        assertEquals(List.of("/ignorerange/96.jpg bytes=" + (all.length - 100) + "-"), ranges);
        assertArrayEquals(all, Files.readAllBytes(out.resolve("96.jpg")));
    }

    /**
     * Issue 24: a body longer than the size the server announced was appended and the photo retried
     * from beyond its own end; the Hub client refused it while streaming and deleted the part. The
     * shared transfer does that for photos too: refused, named, nothing kept to resume.
     */
    @Test
    void aResumedBodyLongerThanTheAnnouncedSizeIsRefusedAndLeavesNoPart(@TempDir Path out) throws IOException {
        PhotoDownloader.Job j = job("97", "overlong");
        byte[] all = photos.get("97.jpg");
        Files.write(out.resolve("97.jpg.part"), java.util.Arrays.copyOf(all, 1000));
        PhotoDownloader.Result r = downloader(1, 3).download(List.of(j), out, PhotoDownloader.Listener.NONE);
        assertEquals(0, r.downloaded());
        String reason = r.failures().get(0).reason();
        assertTrue(reason.contains("longer than the announced size of " + all.length + " bytes"), reason);
        assertEquals(1, hits.get("/overlong/97.jpg").get(), "not retried: the server's own sizes disagree");
        assertFalse(Files.exists(out.resolve("97.jpg")) || Files.exists(out.resolve("97.jpg.part")));
    }
}
