package org.encodertraces.encoder.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hub client's streaming limits against a misbehaving server on loopback: a body longer than
 * announced is refused while it streams, a body that stalls hits the read timeout, one that
 * drips hits the attempt deadline. The stall and the drip never end on their own (they last until
 * the test is over), so only the limit can end the download: each test checks which limit the
 * message names and what the part file kept, never how long it took. Each case takes a second or
 * two with the small limits used; {@code @Timeout} only fails a client that would wait forever (on a
 * thread of its own, so that it fails even if the client ignores the interrupt).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HubClientLimitsTest {
    @TempDir
    Path tmp;

    private HttpServer hub;
    private final AtomicLong sent = new AtomicLong();
    /** Released when the test is over: ends the stalls and drips that only a client limit may cut short. */
    private final CountDownLatch over = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hub.setExecutor(Executors.newFixedThreadPool(4));
        hub.start();
    }

    @AfterEach
    void stop() {
        over.countDown();
        hub.stop(0);
        ((ExecutorService) hub.getExecutor()).shutdownNow();
    }

    private HubClient client(Duration read, Duration deadline) {
        return builder(read, deadline).build();
    }

    private HubClient.Builder builder(Duration read, Duration deadline) {
        return HubClient.builder(new ModelCache(tmp.resolve("cache"), false))
                .endpoint(URI.create("http://127.0.0.1:" + hub.getAddress().getPort()))
                .retryBackoff(Duration.ofMillis(10)).maxRetries(0)
                .connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(5))
                .readTimeout(read).attemptDeadline(deadline);
    }

    /** HEAD announces 1000 bytes; GET runs {@code body}. */
    private void serve(String path, Body body) {
        serve(path, 1000, body);
    }

    /** HEAD announces {@code size} bytes; GET runs {@code body}. */
    private void serve(String path, long size, Body body) {
        hub.createContext(path, ex -> {
            try (ex) {
                if (ex.getRequestMethod().equals("HEAD")) {
                    ex.getResponseHeaders().set("Content-Length", Long.toString(size));
                    ex.getResponseHeaders().set("X-Repo-Commit", "c".repeat(40));
                    ex.sendResponseHeaders(200, -1);
                    return;
                }
                ex.sendResponseHeaders(200, 0); // chunked: no length to hold the server to
                body.write(ex, ex.getResponseBody());
            } catch (IOException | InterruptedException e) {
                // the client hung up, as it should
            }
        });
    }

    interface Body {
        void write(HttpExchange ex, OutputStream out) throws IOException, InterruptedException;
    }

    @Test
    void aBodyLongerThanAnnouncedIsRefusedWhileStreaming() {
        serve("/o/r/resolve/main/model.onnx", (ex, out) -> {
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 300 * 16; i++) { // 300 MiB if the client kept reading
                out.write(chunk);
                sent.addAndGet(chunk.length);
            }
        });
        HubException e = assertThrows(HubException.class,
                () -> client(Duration.ofSeconds(5), Duration.ofSeconds(20)).download(HubFile.of("o/r", "model.onnx")));
        assertTrue(e.getMessage().contains("longer than the announced size of 1000 bytes"), e.getMessage());
        assertTrue(sent.get() < 64L << 20, "refused early, not after the whole body: the server sent " + sent.get() + " bytes");
    }

    @Test
    void aStalledBodyHitsTheReadTimeout() throws IOException {
        AtomicBoolean stallEnded = new AtomicBoolean();
        serve("/o/r/resolve/main/stall.onnx", (ex, out) -> {
            out.write(new byte[500]);
            out.flush();
            over.await(); // stalls until the test is over: only the read timeout can end the download
            stallEnded.set(true);
        });
        HubException e = assertThrows(HubException.class,
                () -> client(Duration.ofMillis(500), Duration.ofSeconds(20)).download(HubFile.of("o/r", "stall.onnx")));
        assertFalse(stallEnded.get(), "the client gave up while the server was still stalling");
        // all 500 bytes, unless a loaded machine held them back longer than the timeout itself
        Matcher m = Pattern.compile("Download stopped after (\\d+) bytes: no data arrived for 0\\.5 s").matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        assertFalse(e.getMessage().contains("deadline"), "the read timeout tripped, not the 20 s attempt deadline: " + e.getMessage());
        long got = Long.parseLong(m.group(1));
        assertTrue(got <= 500, "no more than the server sent: " + got);
        assertEquals(List.of(got), partSizes(), "the bytes that came are kept in the part file for a resume");
        assertFalse(Thread.currentThread().isInterrupted(), "the watchdog's interrupt does not leak to the caller");
    }

    @Test
    void aDrippingBodyHitsTheAttemptDeadline() throws IOException {
        AtomicBoolean dripEnded = new AtomicBoolean();
        serve("/o/r/resolve/main/drip.onnx", (ex, out) -> {
            // a byte every 50 ms until the test is over (or the client hangs up): each read is quick, the attempt endless
            while (!over.await(50, TimeUnit.MILLISECONDS)) {
                out.write(0);
                out.flush();
            }
            dripEnded.set(true);
        });
        HubException e = assertThrows(HubException.class,
                () -> client(Duration.ofSeconds(5), Duration.ofSeconds(1)).download(HubFile.of("o/r", "drip.onnx")));
        assertFalse(dripEnded.get(), "the client gave up while the server was still dripping");
        Matcher m = Pattern.compile("Download stopped after (\\d+) bytes: .*deadline of 1 s").matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        assertFalse(e.getMessage().contains("no data arrived"), "the deadline tripped, not the 5 s read timeout: " + e.getMessage());
        long got = Long.parseLong(m.group(1));
        assertTrue(got < 1000, "a drip, not the 1000 announced bytes: " + got);
        assertEquals(List.of(got), partSizes(), "the part file holds the bytes the message counts");
    }

    /** The sizes of the part files the client left in its cache. */
    private List<Long> partSizes() throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(tmp.resolve("cache"))) {
            List<Long> sizes = new java.util.ArrayList<>();
            for (Path p : files.filter(p -> p.toString().endsWith(".part")).toList()) {
                sizes.add(java.nio.file.Files.size(p));
            }
            return sizes;
        }
    }

    /**
     * Issue 23: a body longer than announced, whose first announced bytes fill the part file exactly
     * (the announced size is a whole number of the client's 64 KiB reads). The part used to be kept,
     * so the next run took it for a finished download and reported a checksum mismatch (or, had
     * the prefix been the real file, accepted it). Each run now says the body was longer than
     * announced, and nothing is left to resume.
     */
    @Test
    void aBodyLongerThanAnnouncedIsNamedSoOnEveryRunAndLeavesNoPart() throws IOException {
        long announced = 2 * 64 * 1024;
        serve("/o/r/resolve/main/long.onnx", announced, (ex, out) -> {
            byte[] junk = new byte[(int) announced + 300];
            java.util.Arrays.fill(junk, (byte) 7);
            out.write(junk);
        });
        for (int run = 1; run <= 2; run++) {
            HubException e = assertThrows(HubException.class,
                    () -> client(Duration.ofSeconds(5), Duration.ofSeconds(20)).download(HubFile.of("o/r", "long.onnx")));
            assertTrue(e.getMessage().contains("longer than the announced size of " + announced + " bytes"), "run " + run + ": " + e.getMessage());
            assertFalse(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("checksum"), e.getMessage());
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(tmp.resolve("cache"))) {
                assertTrue(files.noneMatch(p -> p.toString().endsWith(".part")), "no part file kept after run " + run);
            }
        }
    }

    /**
     * Issue 23: a Hub that drips a byte every 0.3 s never trips the read timeout (5 s here, 60 s by
     * default) and the attempt deadline is hours away; the minimum throughput cuts it off after its
     * window, and the message says that is the limit that tripped.
     */
    @Test
    void aDrippingBodyFallsBelowTheMinimumThroughput() {
        serve("/o/r/resolve/main/slow.onnx", 10L << 20, (ex, out) -> {
            for (int i = 0; i < 200; i++) {
                out.write(0);
                out.flush();
                Thread.sleep(300);
            }
        });
        HubClient c = builder(Duration.ofSeconds(5), Duration.ofSeconds(60)).minThroughput(1024, Duration.ofSeconds(1)).build();
        HubException e = assertThrows(HubException.class, () -> c.download(HubFile.of("o/r", "slow.onnx")));
        assertTrue(e.getMessage().contains("fell below the minimum throughput of 1 KiB/s"), e.getMessage());
        assertFalse(e.getMessage().contains("read timeout") || e.getMessage().contains("deadline"), e.getMessage());
    }
}
