package org.encodertraces.encoder.hub;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hub client's streaming limits against a misbehaving server on loopback: a body longer than
 * announced is refused while it streams, a body that stalls hits the read timeout, one that
 * drips hits the attempt deadline. Each case takes a second or two with the small limits used.
 */
@Timeout(30)
class HubClientLimitsTest {
    @TempDir
    Path tmp;

    private HttpServer hub;
    private final AtomicLong sent = new AtomicLong();

    @BeforeEach
    void start() throws IOException {
        hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hub.setExecutor(Executors.newFixedThreadPool(4));
        hub.start();
    }

    @AfterEach
    void stop() {
        hub.stop(0);
        ((ExecutorService) hub.getExecutor()).shutdownNow();
    }

    private HubClient client(Duration read, Duration deadline) {
        return HubClient.builder(new ModelCache(tmp.resolve("cache"), false))
                .endpoint(URI.create("http://127.0.0.1:" + hub.getAddress().getPort()))
                .retryBackoff(Duration.ofMillis(10)).maxRetries(0)
                .connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(5))
                .readTimeout(read).attemptDeadline(deadline).build();
    }

    /** HEAD announces 1000 bytes; GET runs {@code body}. */
    private void serve(String path, Body body) {
        hub.createContext(path, ex -> {
            try (ex) {
                if (ex.getRequestMethod().equals("HEAD")) {
                    ex.getResponseHeaders().set("Content-Length", "1000");
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
        assertTrue(e.getMessage().contains("more than the announced 1000 bytes"), e.getMessage());
        assertTrue(sent.get() < 64L << 20, "refused early, not after the whole body: the server sent " + sent.get() + " bytes");
    }

    @Test
    void aStalledBodyHitsTheReadTimeout() {
        serve("/o/r/resolve/main/stall.onnx", (ex, out) -> {
            out.write(new byte[500]);
            out.flush();
            Thread.sleep(20_000);
        });
        long t0 = System.nanoTime();
        HubException e = assertThrows(HubException.class,
                () -> client(Duration.ofMillis(500), Duration.ofSeconds(20)).download(HubFile.of("o/r", "stall.onnx")));
        double s = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("no data arrived for 0.5 s"), e.getMessage());
        assertTrue(s < 5, "gave up after the 0.5 s read timeout, not the server's 20 s stall: " + s);
        assertFalse(Thread.currentThread().isInterrupted(), "the watchdog's interrupt does not leak to the caller");
    }

    @Test
    void aDrippingBodyHitsTheAttemptDeadline() {
        serve("/o/r/resolve/main/drip.onnx", (ex, out) -> {
            for (int i = 0; i < 900; i++) {
                out.write(0);
                out.flush();
                Thread.sleep(50);
            }
        });
        long t0 = System.nanoTime();
        HubException e = assertThrows(HubException.class,
                () -> client(Duration.ofSeconds(5), Duration.ofSeconds(1)).download(HubFile.of("o/r", "drip.onnx")));
        double s = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("deadline of 1 s"), e.getMessage());
        // the drip lasts 45 s; 30 s separates "the 1 s deadline fired" from "it waited the drip out"
        // even at load averages of 30 on 2 cores (14-16 s was seen there), 1-2 s on a quiet machine
        assertTrue(s < 30, "one 1 s attempt, not the 45 s drip: " + s);
    }
}
