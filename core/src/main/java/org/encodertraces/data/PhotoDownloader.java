package org.encodertraces.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.encodertraces.image.ImageDecodeException;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.io.HttpTransfer;
import org.encodertraces.io.TransferWatchdog;

/**
 * Downloads many photos politely: a bounded number at a time, no faster than a set interval per
 * host, retrying transient failures (connection errors, time-outs, 429 and 5xx) with exponential
 * back-off and honouring {@code Retry-After}, resuming partial files, and never failing the batch
 * for one photo: failures are collected and written to a TSV ({@code id}, {@code url},
 * {@code reason}).
 *
 * <p>Each file is written to {@code <name>.part} and moved into place atomically once complete
 * (its length matches {@code Content-Length} and, when required, it starts like a JPEG), so a
 * file under its final name is always whole and a rerun skips it. A {@code .part} left by an
 * interrupted run or a dropped connection is resumed with {@code Range: bytes=N-}; a server that
 * answers 200 instead of 206 is read from the start. Redirects are followed (same protocol); a
 * redirect to Flickr's "photo unavailable" placeholder is a failure.
 *
 * <p>The transfer itself (the resume, the Content-Range check, the limits while streaming, the
 * back-off between attempts) is {@link HttpTransfer}, the one the Hub client uses too. Requests go
 * through {@link HttpURLConnection}, whose status line gives the reason phrase the failures file
 * quotes ({@code HTTP 404 Not Found}); a server that stalls in the middle of a body is given up on
 * after {@link Options#readTimeout()} and the photo retried.
 */
public final class PhotoDownloader {

    /**
     * Download settings.
     *
     * @param concurrency     photos downloaded at once
     * @param connectTimeout  time allowed to connect
     * @param readTimeout     time allowed between two reads (a stalled server)
     * @param maxAttempts     tries per photo, including the first
     * @param initialBackoff  wait before the first retry; doubled each retry
     * @param maxBackoff      longest wait between tries; a {@code Retry-After} beyond it makes the
     *                        photo fail instead of blocking the batch
     * @param perHostInterval least time between the starts of two requests to one host
     * @param requireJpeg     a body that does not start with the JPEG marker {@code FF D8 FF} is a failure
     * @param userAgent       the User-Agent header
     * @param maxBytes        largest photo accepted; a bigger one fails as soon as its size is known (announced or streamed)
     * @param attemptDeadline longest time one attempt may take in all, however steadily bytes trickle in (a
     *                        partial file is kept, and the next attempt resumes it)
     * @param verifyDecodes   a downloaded file counts only once it decodes as an image
     */
    public record Options(int concurrency, Duration connectTimeout, Duration readTimeout, int maxAttempts, Duration initialBackoff,
                          Duration maxBackoff, Duration perHostInterval, boolean requireJpeg, String userAgent, long maxBytes,
                          Duration attemptDeadline, boolean verifyDecodes) {
        /** Default per-photo cap: 64 MiB (FlickrExif's largest originals are about a fifth of that). */
        public static final long DEFAULT_MAX_BYTES = 64L << 20;

        /** Settings with the default cap, decode verification, and an attempt deadline equal to the read timeout. */
        public Options(int concurrency, Duration connectTimeout, Duration readTimeout, int maxAttempts, Duration initialBackoff,
                       Duration maxBackoff, Duration perHostInterval, boolean requireJpeg, String userAgent) {
            this(concurrency, connectTimeout, readTimeout, maxAttempts, initialBackoff, maxBackoff, perHostInterval, requireJpeg,
                    userAgent, DEFAULT_MAX_BYTES, readTimeout, true);
        }

        public Options {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be positive");
            }
            if (readTimeout.isNegative() || readTimeout.isZero() || attemptDeadline.isNegative() || attemptDeadline.isZero()) {
                throw new IllegalArgumentException("read timeout and attempt deadline must be positive");
            }
            if (concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("concurrency must be 1..64, not " + concurrency);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
        }

        /** 4 at a time, 10 s connect, 30 s read, 5 tries from 2 s up to 5 min, 0.1 s between requests to one host, JPEG only. */
        public static Options defaults() {
            return new Options(4, Duration.ofSeconds(10), Duration.ofSeconds(30), 5, Duration.ofSeconds(2), Duration.ofMinutes(5),
                    Duration.ofMillis(100), true, "encoder-traces/" + org.encodertraces.provenance.ToolInfo.version());
        }
    }

    /**
     * One photo to fetch.
     *
     * @param id       the photo's id (reported in failures)
     * @param url      where to fetch it
     * @param fileName the name to save it under in the output folder
     */
    public record Job(String id, String url, String fileName) {
        public Job {
            if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
                throw new IllegalArgumentException("bad file name for " + id + ": '" + fileName + "'");
            }
        }
    }

    /**
     * A photo that could not be fetched.
     *
     * @param id     the photo's id
     * @param url    its address
     * @param reason why, in words (the last attempt's error)
     */
    public record Failure(String id, String url, String reason) {
    }

    /** What became of one photo. */
    public enum Outcome {
        /** Fetched in this run. */
        DOWNLOADED,
        /** Already complete from an earlier run. */
        SKIPPED,
        /** Given up on; see the failures. */
        FAILED
    }

    /** Told of each finished photo (from the downloading threads), so the CLI can draw progress. */
    @FunctionalInterface
    public interface Listener {
        /** A listener that ignores every update. */
        Listener NONE = (job, outcome, done, total) -> { };

        /**
         * @param job     the photo
         * @param outcome what became of it
         * @param done    photos finished so far, this one included
         * @param total   photos in the batch
         */
        void finished(Job job, Outcome outcome, int done, int total);
    }

    /**
     * What a batch did.
     *
     * @param total        photos asked for
     * @param downloaded   fetched in this run
     * @param skipped      already complete
     * @param failures     the photos given up on, in job order
     * @param failuresFile the TSV the failures were written to
     */
    public record Result(int total, int downloaded, int skipped, List<Failure> failures, Path failuresFile) {
        public Result {
            failures = List.copyOf(failures);
        }
    }

    /** The failures file written in the output folder. */
    public static final String FAILURES_FILE = "download-failures.tsv";

    private final Options options;
    private final Map<String, long[]> hostNext = new HashMap<>();

    /** A downloader with the given settings. */
    public PhotoDownloader(Options options) {
        this.options = options;
    }

    /**
     * Fetches every job into a folder and writes {@value #FAILURES_FILE} there (header only when
     * nothing failed).
     *
     * @throws IOException only when the folder or the failures file cannot be written, or the
     *                     calling thread is interrupted; single photos never throw
     */
    public Result download(List<Job> jobs, Path outDir, Listener listener) throws IOException {
        Files.createDirectories(outDir);
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            Integer prev = names.put(jobs.get(i).fileName(), i);
            if (prev != null) {
                throw new IllegalArgumentException("two jobs save to " + jobs.get(i).fileName() + ": " + jobs.get(prev).id() + " and " + jobs.get(i).id());
            }
        }
        AtomicInteger done = new AtomicInteger();
        AtomicInteger downloaded = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        Map<Job, Integer> order = new HashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            order.put(jobs.get(i), i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread t = new Thread(r, "photo-download");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (Job job : jobs) {
                fs.add(pool.submit(() -> {
                    Outcome o;
                    Path target = outDir.resolve(job.fileName());
                    if (Files.isRegularFile(target)) {
                        o = Outcome.SKIPPED;
                        skipped.incrementAndGet();
                    } else {
                        String err = fetch(job, target);
                        if (err == null) {
                            o = Outcome.DOWNLOADED;
                            downloaded.incrementAndGet();
                        } else {
                            o = Outcome.FAILED;
                            failures.add(new Failure(job.id(), job.url(), err));
                        }
                    }
                    listener.finished(job, o, done.incrementAndGet(), jobs.size());
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("download worker failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        List<Failure> sorted = new ArrayList<>(failures);
        Map<String, Integer> idx = new HashMap<>();
        order.forEach((j, i) -> idx.put(j.id() + "\u0000" + j.url(), i));
        sorted.sort(Comparator.comparingInt(f -> idx.getOrDefault(f.id() + "\u0000" + f.url(), 0)));
        Path tsv = outDir.resolve(FAILURES_FILE);
        StringBuilder sb = new StringBuilder("id\turl\treason\n");
        for (Failure f : sorted) {
            sb.append(org.encodertraces.io.Tsv.line(f.id(), f.url(), f.reason()));
        }
        AtomicFiles.writeString(tsv, sb);
        return new Result(jobs.size(), downloaded.get(), skipped.get(), sorted, tsv);
    }

    /** Fetches one photo with retries; returns null on success or the reason it failed. */
    private String fetch(Job job, Path target) {
        URL url;
        try {
            if (job.url() == null || job.url().isBlank()) {
                return "no url";
            }
            URI u = new URI(job.url().strip());
            if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
                return "not an http(s) url";
            }
            url = u.toURL();
        } catch (Exception e) {
            return "bad url: " + e.getMessage();
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        // the wait doubles from the initial back-off up to the longest; a Retry-After lengthens it and holds the host back too
        HttpTransfer.Backoff policy = new HttpTransfer.Backoff(options.maxAttempts(), options.initialBackoff(), options.maxBackoff(),
                Integer.MAX_VALUE, true);
        try {
            HttpTransfer.withRetries(policy, url, () -> attempt(url, part, target), (failure, waitMillis) -> {
                if (failure.retryAfterMillis() >= 0) {
                    delayHost(url.getHost(), failure.retryAfterMillis());
                }
            });
            return null;
        } catch (HttpTransfer.GaveUp g) {
            String last = reason(g.last());
            if (g.why() == HttpTransfer.GaveUp.Why.RETRY_AFTER_TOO_LONG) {
                return last + "; Retry-After " + g.last().retryAfterMillis() / 1000 + " s is longer than the "
                        + options.maxBackoff().toSeconds() + " s allowed";
            }
            return last + " (after " + options.maxAttempts() + " attempt" + (options.maxAttempts() == 1 ? "" : "s") + ")";
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage(); // attempt words every failure; kept for safety
        }
    }

    /** A transfer's failure in the words of the failures file. */
    private static String reason(HttpTransfer.Failure f) {
        return switch (f.kind()) {
            case UNUSABLE_RANGE -> "unusable Content-Range '" + f.detail() + "' for offset " + f.bytes();
            case RANGE_REFUSED -> "HTTP 416 for the resumed part; restarting";
            case STOPPED -> "timed out: " + f.detail() + " after " + f.bytes() + " bytes";
            case DROPPED -> f.getCause() instanceof SocketTimeoutException
                    ? "timed out: " + f.getCause().getMessage()
                    : f.getCause().getClass().getSimpleName() + ": " + f.getCause().getMessage();
            case INCOMPLETE -> "incomplete body: " + f.bytes() + " of " + f.size() + " bytes";
            case OVER_CAP -> f.size() >= 0
                    ? "announced size " + f.size() + " bytes exceeds the per-photo cap of " + f.cap() + " bytes"
                    : "larger than the per-photo cap of " + f.cap() + " bytes: refused";
            case LONGER_THAN_ANNOUNCED, CALLER -> f.getMessage();
        };
    }

    /**
     * One attempt: the transfer into the part file, then the checks a photo must pass before it takes
     * its final name. Every failure is a {@link HttpTransfer.Failure}, retryable or not.
     */
    private Void attempt(URL url, Path part, Path target) throws IOException {
        try {
            waitForHost(url.getHost());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        String[] contentType = new String[1];
        HttpTransfer.Limits limits = new HttpTransfer.Limits(options.readTimeout(), options.attemptDeadline(),
                TransferWatchdog.MinThroughput.NONE, options.maxBytes());
        try {
            long size = HttpTransfer.attempt(from -> open(url, from, contentType), part, -1, limits, HttpTransfer.Progress.NONE);
            if (size == 0) {
                Files.deleteIfExists(part);
                throw HttpTransfer.Failure.fatal("empty body");
            }
            if (options.requireJpeg() && !startsLikeJpeg(part)) {
                Files.deleteIfExists(part);
                throw HttpTransfer.Failure.fatal("not a JPEG (content type " + contentType[0] + ")");
            }
            if (options.verifyDecodes()) {
                try {
                    new ImageDecoder().decode(part);
                } catch (ImageDecodeException e) {
                    Files.deleteIfExists(part);
                    throw HttpTransfer.Failure.fatal("downloaded file is not a readable image: " + e.reason());
                } catch (OutOfMemoryError e) {
                    Files.deleteIfExists(part);
                    throw HttpTransfer.Failure.fatal("downloaded image is too large to decode in this heap");
                }
            }
            AtomicFiles.moveIntoPlace(part, target);
            return null;
        } catch (HttpTransfer.Failure f) {
            throw f;
        } catch (SocketTimeoutException e) {
            throw HttpTransfer.Failure.retry("timed out: " + e.getMessage(), -1, e);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (FileNotFoundException e) {
            throw HttpTransfer.Failure.fatal("not found: " + e.getMessage());
        } catch (IOException e) {
            throw HttpTransfer.Failure.retry(e.getClass().getSimpleName() + ": " + e.getMessage(), -1, e);
        }
    }

    /**
     * The GET of one attempt, from byte {@code have}: redirects followed by hand (one to another scheme,
     * or to Flickr's "photo unavailable" placeholder, is a failure), and every status but 200, 206 and a
     * 416 to a Range made a failure, retryable for 408, 429 and 5xx ({@code Retry-After} honoured).
     */
    private HttpTransfer.Reply open(URL url, long have, String[] contentType) throws IOException {
        HttpURLConnection c = connect(url, have);
        boolean handedOver = false;
        try {
            int code = c.getResponseCode();
            for (int hop = 0; code >= 300 && code < 400 && c.getHeaderField("Location") != null; hop++) {
                URI next;
                try {
                    next = new URI(c.getURL().toString()).resolve(c.getHeaderField("Location").trim());
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    throw HttpTransfer.Failure.fatal("HTTP " + code + " redirect to an unusable address '" + c.getHeaderField("Location") + "'");
                }
                String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(java.util.Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    throw HttpTransfer.Failure.fatal("HTTP " + code + " redirect to a non-http(s) address (" + next + "): refused");
                }
                if (hop >= 10) {
                    throw HttpTransfer.Failure.fatal("too many redirects (last to " + next + ")");
                }
                c.disconnect();
                c = connect(next.toURL(), have);
                code = c.getResponseCode();
            }
            if (c.getURL().toString().contains("photo_unavailable")) {
                throw HttpTransfer.Failure.fatal("photo unavailable (redirected to " + c.getURL() + ")");
            }
            if (code >= 400) {
                // read the error page off the connection: left unread on a kept-alive connection it would be
                // taken for the next reply's status line (and reported as "HTTP -1")
                discardErrorBody(c);
            }
            boolean resumeRefused = code == 416 && have > 0; // the transfer deletes the part and the next attempt starts again
            if (!resumeRefused && (code == 429 || code == 408 || code >= 500)) {
                throw HttpTransfer.Failure.retry("HTTP " + code + (c.getResponseMessage() == null ? "" : " " + c.getResponseMessage()),
                        retryAfterMillis(c.getHeaderField("Retry-After")), null);
            }
            if (!resumeRefused && code != 200 && code != 206) {
                throw HttpTransfer.Failure.fatal("HTTP " + code + (c.getResponseMessage() == null ? "" : " " + c.getResponseMessage()));
            }
            contentType[0] = c.getContentType();
            handedOver = true;
            return new UrlReply(c, code);
        } finally {
            if (!handedOver) {
                c.disconnect();
            }
        }
    }

    /** An HttpURLConnection's reply to the transfer; the watchdog disconnects it, which fails a blocked read. */
    private record UrlReply(HttpURLConnection connection, int status) implements HttpTransfer.Reply {
        @Override
        public String header(String name) {
            return connection.getHeaderField(name);
        }

        @Override
        public URI uri() {
            try {
                return connection.getURL().toURI();
            } catch (java.net.URISyntaxException e) {
                return null;
            }
        }

        @Override
        public InputStream body() throws IOException {
            return connection.getInputStream();
        }

        @Override
        public void abort() {
            connection.disconnect();
        }

        @Override
        public void close() {
            connection.disconnect();
        }
    }

    /** Reads (up to 64 KiB of) an error reply's body and closes it, so the connection is left clean or closed. */
    private static void discardErrorBody(HttpURLConnection c) {
        try (InputStream err = c.getErrorStream()) {
            if (err != null) {
                err.readNBytes(64 * 1024);
            }
        } catch (IOException e) {
            // nothing to keep: the connection is closed in any case
        }
    }

    private HttpURLConnection connect(URL url, long have) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setConnectTimeout((int) options.connectTimeout().toMillis());
        c.setReadTimeout((int) options.readTimeout().toMillis());
        // redirects are followed by hand, so that one to another scheme is named (HttpURLConnection just returns the 3xx)
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setRequestProperty("User-Agent", options.userAgent());
        c.setRequestProperty("Accept-Encoding", "identity");
        if (have > 0) {
            c.setRequestProperty("Range", HttpTransfer.rangeHeader(have));
        }
        return c;
    }

    private static boolean startsLikeJpeg(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(3);
            return b.length == 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
        }
    }

    /** Retry-After as delay-seconds or an HTTP date; -1 when absent or unreadable. */
    static long retryAfterMillis(String v) {
        if (v == null || v.isBlank()) {
            return -1;
        }
        String s = v.strip();
        if (s.matches("\\d{1,9}")) {
            return Long.parseLong(s) * 1000;
        }
        try {
            ZonedDateTime t = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME);
            return Math.max(0, t.toInstant().toEpochMilli() - System.currentTimeMillis());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Blocks until this host may get another request, and books the next slot. */
    private void waitForHost(String host) throws InterruptedException {
        long wait;
        synchronized (hostNext) {
            long[] next = hostNext.computeIfAbsent(host, h -> new long[1]);
            long now = System.nanoTime();
            long start = Math.max(now, next[0]);
            next[0] = start + options.perHostInterval().toNanos();
            wait = start - now;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** After a Retry-After, no request to the host starts before it has passed. */
    private void delayHost(String host, long millis) {
        synchronized (hostNext) {
            long[] next = hostNext.computeIfAbsent(host, h -> new long[1]);
            next[0] = Math.max(next[0], System.nanoTime() + millis * 1_000_000);
        }
    }
}
