package org.encodertraces.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one Content-Range parser and back-off of both downloaders. Their transfers run against
 * loopback servers in {@code HubClientTest}, {@code HubClientLimitsTest} and {@code PhotoDownloaderTest}.
 */
class HttpTransferTest {

    @Test
    void aContentRangeIsReadAsTheRfcWritesIt() {
        assertEquals(new HttpTransfer.ContentRange(1000, 4999, 5000), HttpTransfer.ContentRange.parse("bytes 1000-4999/5000"));
        assertEquals(new HttpTransfer.ContentRange(0, 0, -1), HttpTransfer.ContentRange.parse("bytes 0-0/*"), "total unknown");
        assertEquals(new HttpTransfer.ContentRange(7, 9, 10), HttpTransfer.ContentRange.parse("  bytes  7-9/10 "), "spaces around");
        assertEquals(new HttpTransfer.ContentRange(1000, 1999, 5000), HttpTransfer.ContentRange.parse("bytes 1000-1999/5000"),
                "a range short of the end is a range: the rest is asked for again");
    }

    /**
     * The photo downloader's parser let a number beyond a long through as a NumberFormatException (the
     * batch died) and took a range ending before it starts, or at or past the total, for a usable one.
     */
    @Test
    void aContentRangeThatCannotDescribeTheBodyIsNull() {
        for (String bad : new String[] {null, "", "bytes */5000", "bytes 1000-/5000", "items 0-9/10", "bytes 0-9/10 junk",
                "bytes 99999999999999999999-99999999999999999999/99999999999999999999", "bytes 0-9/99999999999999999999",
                "bytes 500-499/5000", "bytes 0-5000/5000", "bytes 0-9000/5000", "bytes -1-9/10"}) {
            assertNull(HttpTransfer.ContentRange.parse(bad), bad);
        }
    }

    private static List<Long> waits(HttpTransfer.Backoff b, int retries) {
        List<Long> w = new ArrayList<>();
        for (int r = 0; r < retries; r++) {
            w.add(b.waitMillis(r));
        }
        return w;
    }

    @Test
    void eachDownloaderKeepsItsOwnBackOff() {
        // the Hub client's: 500 ms doubled at most five times, never above 30 s
        HttpTransfer.Backoff hub = new HttpTransfer.Backoff(5, Duration.ofMillis(500), Duration.ofSeconds(30), 5, false);
        assertEquals(List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 16000L, 16000L), waits(hub, 8));
        HttpTransfer.Backoff hubSlow = new HttpTransfer.Backoff(5, Duration.ofSeconds(4), Duration.ofSeconds(30), 5, false);
        assertEquals(List.of(4000L, 8000L, 16000L, 30000L, 30000L, 30000L, 30000L), waits(hubSlow, 7));
        // the photo downloader's: 2 s doubled up to 5 min
        HttpTransfer.Backoff photos = new HttpTransfer.Backoff(5, Duration.ofSeconds(2), Duration.ofMinutes(5), Integer.MAX_VALUE, true);
        assertEquals(List.of(2000L, 4000L, 8000L, 16000L, 32000L, 64000L, 128000L, 256000L, 300000L, 300000L), waits(photos, 10));
        assertEquals(300000L, photos.waitMillis(Integer.MAX_VALUE), "no overflow however many retries");
        HttpTransfer.Backoff longFirst = new HttpTransfer.Backoff(2, Duration.ofMinutes(10), Duration.ofMinutes(5), Integer.MAX_VALUE, true);
        assertEquals(300000L, longFirst.waitMillis(0), "a first wait above the longest is cut to it");
    }
}
