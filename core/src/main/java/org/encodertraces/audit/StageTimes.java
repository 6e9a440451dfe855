package org.encodertraces.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock time of an audit's stages, measured as it runs: a {@link Audit.Listener} that passes
 * every message on and charges the time between one stage message and the next to the first
 * stage's kind (embedding, processing probes, kNN, retrieval, acquisition probes, dataset audit).
 * The CLI prints the totals beside the plan's estimate, so that the estimate's per-stage costs
 * ({@link Audit#plan}) can be checked against the machine it runs on.
 */
public final class StageTimes implements Audit.Listener {
    private final Audit.Listener next;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final long started = System.nanoTime();
    private String current;
    private long since;

    /** Times the stages reported to {@code next}. */
    public StageTimes(Audit.Listener next) {
        this.next = next;
    }

    @Override
    public void stage(String message) {
        charge();
        current = kind(message);
        since = System.nanoTime();
        next.stage(message);
    }

    @Override
    public void progress(String label, long done, long total) {
        next.progress(label, done, total);
    }

    /** Ends the last stage; call once the audit returned. */
    public void finish() {
        charge();
        current = null;
    }

    /** Seconds per stage kind, in first-seen order. */
    public Map<String, Double> seconds() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }

    /** Seconds since this clock was made. */
    public double elapsed() {
        return (System.nanoTime() - started) / 1e9;
    }

    private void charge() {
        if (current != null) {
            seconds.merge(current, (System.nanoTime() - since) / 1e9, Double::sum);
        }
    }

    /** The kind of a stage message of {@link Audit#run} and {@link AcquisitionStage}. */
    static String kind(String message) {
        if (message.startsWith("dataset audit")) {
            return "dataset audit";
        }
        if (message.startsWith("near-duplicates")) {
            return "near-duplicates";
        }
        if (message.startsWith("layers: embedding ")) {
            return "layers: embedding";
        }
        if (message.contains(" at depth ")) {
            return "layers: probes and kNN";
        }
        if (message.startsWith("embedding ")) {
            return "embedding";
        }
        if (message.contains(": acquisition probe")) {
            return "acquisition probes";
        }
        if (message.contains(": probe ")) {
            return "processing probes";
        }
        if (message.contains(": kNN ")) {
            return "kNN";
        }
        if (message.contains(": pair retrieval")) {
            return "retrieval";
        }
        return "other";
    }
}
