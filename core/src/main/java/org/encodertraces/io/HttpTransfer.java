package org.encodertraces.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One resumable HTTP download into a part file, shared by both downloaders (model files from the
 * Hub, {@code encoder/hub/HubClient}; photos, {@code data/PhotoDownloader}): the request for the
 * bytes not yet held ({@code Range: bytes=N-}), the reply's {@code Content-Range} checked against
 * them, a 200 read from the start, a 416 answered by starting again, the body streamed under the
 * limits (no byte for the read timeout, the attempt's deadline, a minimum throughput, the announced
 * size, a size cap), and attempts repeated under a back-off policy.
 *
 * <p>Each downloader sends the request its own way ({@link Request}: its HTTP client, redirects,
 * credentials, which statuses it retries) and words the failures for its own users: this class
 * throws them typed ({@link Failure}, with the numbers as fields), never printed.
 */
public final class HttpTransfer {
    private static final int CHUNK = 64 * 1024;

    private HttpTransfer() {
    }

    /** The {@code Range} header's value asking for the bytes from {@code from} (0-based) to the end. */
    public static String rangeHeader(long from) {
        return "bytes=" + from + "-";
    }

    /**
     * A {@code Content-Range} header of a 206 reply: {@code bytes first-last/total}.
     *
     * @param first the first byte of the body's range (0-based)
     * @param last  its last byte, inclusive
     * @param total the whole file's length, or -1 for {@code *} (unknown)
     */
    public record ContentRange(long first, long last, long total) {
        private static final Pattern FORM = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

        /**
         * Parses a header value (surrounding white space ignored); null when absent or unusable: not of
         * the form above, a number beyond a long, {@code last} before {@code first}, or {@code last} not
         * inside the total (RFC 9110 section 14.4 requires last &lt; total).
         */
        public static ContentRange parse(String value) {
            if (value == null) {
                return null;
            }
            Matcher m = FORM.matcher(value.trim());
            if (!m.matches()) {
                return null;
            }
            try {
                long first = Long.parseLong(m.group(1));
                long last = Long.parseLong(m.group(2));
                long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                if (last < first || (total >= 0 && last >= total)) {
                    return null;
                }
                return new ContentRange(first, last, total);
            } catch (NumberFormatException e) {
                return null; // digits beyond a long
            }
        }
    }

    /**
     * The limits one attempt runs under.
     *
     * @param readTimeout     longest wait for the next bytes of the body
     * @param attemptDeadline longest time the whole attempt may take, however steadily bytes arrive
     * @param minThroughput   least rate over every window ({@link TransferWatchdog.MinThroughput#NONE} for none)
     * @param maxBytes        largest file accepted, refused as soon as it is announced or streamed
     *                        ({@link Long#MAX_VALUE} for no cap)
     */
    public record Limits(Duration readTimeout, Duration attemptDeadline, TransferWatchdog.MinThroughput minThroughput, long maxBytes) {
        public Limits {
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(attemptDeadline, "attemptDeadline");
            Objects.requireNonNull(minThroughput, "minThroughput");
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
            }
        }
    }

    /**
     * How failed attempts are repeated: the wait before retry {@code r} (0-based) is {@code firstWait}
     * doubled {@code min(r, maxDoublings)} times, never more than {@code maxWait}.
     *
     * @param maxAttempts      tries in all, the first included
     * @param honourRetryAfter a failure's {@code Retry-After} lengthens the wait; one longer than
     *                         {@code maxWait} ends the retries at once
     */
    public record Backoff(int maxAttempts, Duration firstWait, Duration maxWait, int maxDoublings, boolean honourRetryAfter) {
        public Backoff {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
            }
            Objects.requireNonNull(firstWait, "firstWait");
            Objects.requireNonNull(maxWait, "maxWait");
            if (maxDoublings < 0) {
                throw new IllegalArgumentException("maxDoublings must be >= 0: " + maxDoublings);
            }
        }

        /** The wait in milliseconds before retry {@code retry} (0 for the first retry), Retry-After aside. */
        public long waitMillis(int retry) {
            long max = maxWait.toMillis();
            long wait = firstWait.toMillis();
            for (int i = 0; i < Math.min(retry, maxDoublings) && wait < max; i++) {
                wait = wait > max / 2 ? max : wait * 2;
            }
            return Math.min(wait, max);
        }
    }

    /** A reply as the caller's HTTP client received it; closing it releases the connection. */
    public interface Reply extends Closeable {
        /** The status code. */
        int status();

        /** The first value of a header, or null when absent. */
        String header(String name);

        /** The address that answered (after any redirects), for messages. */
        URI uri();

        /** The body. */
        InputStream body() throws IOException;

        /** Unblocks a read of the body in progress; run by the watchdog when a limit trips. */
        void abort();
    }

    /**
     * Sends one GET for the file, with {@code Range: }{@link #rangeHeader rangeHeader(from)} when
     * {@code from > 0}, following redirects as the caller allows. It hands back a 200, 206 or 416
     * reply; any other status it turns into the caller's own exception (a {@link Failure} made with
     * {@link Failure#retry} or {@link Failure#fatal} to have it retried or not).
     */
    @FunctionalInterface
    public interface Request {
        Reply send(long from) throws IOException;
    }

    /** Told how far a download has got (on the downloading thread). */
    @FunctionalInterface
    public interface Progress {
        /** Ignores every update. */
        Progress NONE = (done, total) -> { };

        /** @param total the file's length, or -1 when unknown */
        void update(long done, long total);
    }

    /**
     * One attempt: asks for the bytes {@code part} does not hold yet and appends them (or, on a 200,
     * writes the file from the start), under {@code limits}.
     *
     * @param expectedSize the file's length when known before the request (-1 if not): a part already
     *                     that long is complete without a request, a longer one is discarded, and a
     *                     206 must announce that total
     * @return the length of the part file, now complete as far as any announced size says
     * @throws Failure              what went wrong, typed; retryable ones leave a part file that the
     *                              next attempt can resume (or none, where it could not be)
     * @throws InterruptedIOException the thread was interrupted (its flag stays set)
     * @throws IOException          from {@code request}, or the part file could not be written
     */
    public static long attempt(Request request, Path part, long expectedSize, Limits limits, Progress progress) throws IOException {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (expectedSize >= 0 && have > expectedSize) {
            Files.delete(part);
            have = 0;
        }
        if (expectedSize > 0 && have == expectedSize) {
            progress.update(have, expectedSize);
            return have; // finished by an earlier attempt or run; the caller's content checks decide whether it is good
        }
        try (Reply reply = request.send(have)) {
            int status = reply.status();
            long total = expectedSize;
            boolean append;
            if (status == 206) {
                String header = reply.header("Content-Range");
                ContentRange range = ContentRange.parse(header);
                // a range that starts where the part ends and may stop short of the end (RFC 9110 15.3.7: the client
                // inspects what a 206 encloses and asks again for the rest); the next attempt resumes after it
                if (range == null || range.first() != have || (expectedSize >= 0 && range.total() >= 0 && range.total() != expectedSize)) {
                    Files.deleteIfExists(part);
                    throw new Failure(Failure.Kind.UNUSABLE_RANGE, true, reply.uri(), have, expectedSize, -1, header, null);
                }
                if (total < 0) {
                    total = range.total();
                }
                append = true;
            } else if (status == 200) {
                append = false; // the server ignored the Range (or none was sent): the file again from its start
                have = 0;
                if (total < 0) {
                    total = contentLength(reply.header("Content-Length"));
                }
            } else if (status == 416) {
                Files.deleteIfExists(part);
                throw new Failure(Failure.Kind.RANGE_REFUSED, true, reply.uri(), have, expectedSize, -1, null, null);
            } else {
                throw new IOException("HTTP " + status + " from " + reply.uri() + " was handed to the transfer; only 200, 206 and 416 are");
            }
            if (total > limits.maxBytes()) {
                Files.deleteIfExists(part);
                throw new Failure(Failure.Kind.OVER_CAP, false, reply.uri(), have, total, limits.maxBytes(), null, null);
            }
            copy(reply, part, append, have, total, limits, progress);
            long now = Files.size(part);
            if (total >= 0 && now < total) {
                throw new Failure(Failure.Kind.INCOMPLETE, true, reply.uri(), now, total, -1, null, null);
            }
            return now;
        }
    }

    private static void copy(Reply reply, Path part, boolean append, long have, long total, Limits limits, Progress progress)
            throws IOException {
        if (part.getParent() != null) {
            Files.createDirectories(part.getParent());
        }
        long done = have;
        // java.net.http bodies have no read timeout of their own, and no HTTP client has a deadline or a minimum
        // throughput: the watchdog aborts a stalled, endless or dripping read
        try (TransferWatchdog watch = TransferWatchdog.start(limits.readTimeout(), limits.attemptDeadline(), limits.minThroughput(),
                reply::abort);
             InputStream body = reply.body();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[CHUNK];
            progress.update(done, total);
            while (true) {
                int n;
                try {
                    n = body.read(buf);
                } catch (IOException e) {
                    if (watch.expired() != null) {
                        throw new Failure(Failure.Kind.STOPPED, true, reply.uri(), done, total, -1, watch.expired(), e);
                    }
                    throw new Failure(Failure.Kind.DROPPED, true, reply.uri(), done, total, -1, null, e);
                }
                if (n < 0) {
                    break;
                }
                if (total >= 0 && done + n > total) {
                    // the part holds a body that is not the file: a rerun must not resume it, nor take it for complete
                    out.close();
                    Files.deleteIfExists(part);
                    throw new Failure(Failure.Kind.LONGER_THAN_ANNOUNCED, false, reply.uri(), done + n, total, -1, null, null);
                }
                if (done + n > limits.maxBytes()) {
                    out.close();
                    Files.deleteIfExists(part);
                    throw new Failure(Failure.Kind.OVER_CAP, false, reply.uri(), done + n, -1, limits.maxBytes(), null, null);
                }
                watch.progress(n);
                out.write(buf, 0, n);
                done += n;
                progress.update(done, total);
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while downloading " + reply.uri());
                }
            }
            if (watch.expired() != null) {
                throw new Failure(Failure.Kind.STOPPED, true, reply.uri(), done, total, -1, watch.expired(), null);
            }
        }
    }

    /** A Content-Length header's value, or -1 when absent or not a length. */
    static long contentLength(String value) {
        if (value == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(value.trim());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One try of a retried operation. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws IOException;
    }

    /** Told before each wait between two attempts (a downloader that paces a host holds its requests back too). */
    @FunctionalInterface
    public interface BeforeRetry {
        /** Does nothing. */
        BeforeRetry NONE = (failure, waitMillis) -> { };

        void waiting(Failure failure, long waitMillis);
    }

    /**
     * Runs {@code attempt} until it returns, retrying each retryable {@link Failure} after the
     * policy's wait; other exceptions pass through at once.
     *
     * @param what named in the message when the wait is interrupted
     * @throws GaveUp                 the last failure, when it was not retryable, the attempts ran out,
     *                                or its Retry-After was longer than the policy allows
     * @throws InterruptedIOException interrupted while waiting (the thread's flag stays set)
     */
    public static <T> T withRetries(Backoff policy, Object what, Attempt<T> attempt, BeforeRetry beforeRetry) throws IOException {
        for (int made = 1; ; made++) {
            try {
                return attempt.run();
            } catch (Failure f) {
                if (!f.retryable()) {
                    throw new GaveUp(f, made, GaveUp.Why.NOT_RETRYABLE);
                }
                if (made >= policy.maxAttempts()) {
                    throw new GaveUp(f, made, GaveUp.Why.ATTEMPTS_USED);
                }
                long wait = policy.waitMillis(made - 1);
                if (policy.honourRetryAfter() && f.retryAfterMillis() >= 0) {
                    if (f.retryAfterMillis() > policy.maxWait().toMillis()) {
                        throw new GaveUp(f, made, GaveUp.Why.RETRY_AFTER_TOO_LONG);
                    }
                    wait = Math.min(Math.max(wait, f.retryAfterMillis()), policy.maxWait().toMillis());
                }
                beforeRetry.waiting(f, wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted while waiting to retry " + what);
                }
            }
        }
    }

    /**
     * What went wrong in one attempt, typed, with the numbers as fields; its message is a plain
     * sentence, and a downloader may word it its own way from {@link #kind()} and the fields.
     */
    public static final class Failure extends IOException {
        private static final long serialVersionUID = 1L;

        /** The kinds of failure. */
        public enum Kind {
            /** A 206 whose Content-Range does not continue the part ({@link #detail()}: the header); the part was deleted. Retried. */
            UNUSABLE_RANGE,
            /** 416: the server refused the range asked for; the part was deleted. Retried. */
            RANGE_REFUSED,
            /** A limit of the watchdog tripped ({@link #detail()}: which one, in words). Retried, resuming. */
            STOPPED,
            /** Reading the body failed ({@link #getCause()}). Retried, resuming. */
            DROPPED,
            /** The body ended before the announced size ({@link #bytes()} of {@link #size()}). Retried, resuming. */
            INCOMPLETE,
            /** The body went past the announced size (at least {@link #bytes()}); the part was deleted. Not retried. */
            LONGER_THAN_ANNOUNCED,
            /** The announced size ({@link #size()}), or the bytes streamed ({@link #bytes()}), exceed the cap; the part was deleted. Not retried. */
            OVER_CAP,
            /** The caller's own failure ({@link #retry}, {@link #fatal}), with its message. */
            CALLER
        }

        private final Kind kind;
        private final boolean retryable;
        private final long retryAfterMillis;
        private final URI uri;
        private final long bytes;
        private final long size;
        private final long cap;
        private final String detail;

        Failure(Kind kind, boolean retryable, URI uri, long bytes, long size, long cap, String detail, Throwable cause) {
            super(describe(kind, uri, bytes, size, cap, detail, cause), cause);
            this.kind = kind;
            this.retryable = retryable;
            this.retryAfterMillis = -1;
            this.uri = uri;
            this.bytes = bytes;
            this.size = size;
            this.cap = cap;
            this.detail = detail;
        }

        private Failure(String message, boolean retryable, long retryAfterMillis, Throwable cause) {
            super(message, cause);
            this.kind = Kind.CALLER;
            this.retryable = retryable;
            this.retryAfterMillis = retryAfterMillis;
            this.uri = null;
            this.bytes = -1;
            this.size = -1;
            this.cap = -1;
            this.detail = null;
        }

        /** A caller's failure worth another attempt, after at least {@code retryAfterMillis} when that is 0 or more. */
        public static Failure retry(String message, long retryAfterMillis, Throwable cause) {
            return new Failure(message, true, retryAfterMillis, cause);
        }

        /** A caller's failure that another attempt would not cure. */
        public static Failure fatal(String message) {
            return new Failure(message, false, -1, null);
        }

        private static String describe(Kind kind, URI uri, long bytes, long size, long cap, String detail, Throwable cause) {
            return switch (kind) {
                case UNUSABLE_RANGE -> "Server at " + uri + " answered a resume from byte " + bytes + " with an unusable Content-Range '"
                        + (detail == null ? "" : detail) + "'; starting again from zero";
                case RANGE_REFUSED -> "Server at " + uri + " rejected resuming from byte " + bytes + " (416); starting again from zero";
                case STOPPED -> "Download stopped after " + bytes + " bytes: " + detail;
                case DROPPED -> "Connection dropped after " + bytes + " bytes: " + (cause == null ? null : cause.getMessage());
                case INCOMPLETE -> "Connection to " + uri + " ended after " + bytes + " of " + size + " bytes";
                case LONGER_THAN_ANNOUNCED -> "The server sent a body longer than the announced size of " + size + " bytes (at least "
                        + bytes + "); download refused and the partial file deleted";
                case OVER_CAP -> size >= 0 ? "announced size " + size + " bytes exceeds the cap of " + cap + " bytes"
                        : "larger than the cap of " + cap + " bytes: refused";
                case CALLER -> throw new IllegalArgumentException("a caller's failure carries its own message");
            };
        }

        /** What went wrong. */
        public Kind kind() {
            return kind;
        }

        /** Whether another attempt may succeed. */
        public boolean retryable() {
            return retryable;
        }

        /** The server's Retry-After in milliseconds, or -1 for none. */
        public long retryAfterMillis() {
            return retryAfterMillis;
        }

        /** The address that answered, or null for a caller's failure. */
        public URI uri() {
            return uri;
        }

        /** The bytes held (the resume offset, or what the part held when the transfer stopped); -1 when not applicable. */
        public long bytes() {
            return bytes;
        }

        /** The announced size of the file, or -1 when unknown. */
        public long size() {
            return size;
        }

        /** The size cap ({@link Kind#OVER_CAP}), or -1. */
        public long cap() {
            return cap;
        }

        /** The Content-Range header ({@link Kind#UNUSABLE_RANGE}, null when absent) or which limit tripped ({@link Kind#STOPPED}). */
        public String detail() {
            return detail;
        }
    }

    /** The end of {@link #withRetries}: the last attempt's failure, how many attempts were made, and why no more. */
    public static final class GaveUp extends IOException {
        private static final long serialVersionUID = 1L;

        /** Why the retries ended. */
        public enum Why {
            /** The failure was not retryable. */
            NOT_RETRYABLE,
            /** Every attempt the policy allows was made. */
            ATTEMPTS_USED,
            /** The server asked for a longer wait than the policy allows. */
            RETRY_AFTER_TOO_LONG
        }

        private final Failure last;
        private final int attempts;
        private final Why why;

        GaveUp(Failure last, int attempts, Why why) {
            super(last.getMessage(), last);
            this.last = last;
            this.attempts = attempts;
            this.why = why;
        }

        /** The last attempt's failure. */
        public Failure last() {
            return last;
        }

        /** Attempts made, the failed last one included. */
        public int attempts() {
            return attempts;
        }

        /** Why no further attempt was made. */
        public Why why() {
            return why;
        }
    }
}
