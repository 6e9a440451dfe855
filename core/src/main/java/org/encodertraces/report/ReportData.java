package org.encodertraces.report;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a report shows, independent of the experiment classes that computed it: the audit
 * command fills it, the page ({@code report.html}) renders it, and {@link ReportJson} writes it as
 * {@code report.json} beside the HTML so that the page can be rebuilt or compared later.
 *
 * <p>All accuracies and recalls are fractions in [0, 1]; the report shows them as percentages.
 *
 * @param title the page title
 * @param created when the results were made, ISO-8601 instant such as {@code 2025-06-01T12:00:00Z}
 * @param dataset the dataset the results are on
 * @param encoders every encoder that appears in a row, in display order
 * @param probes linear-probe results (empty when not run)
 * @param knn kNN results under the five processing set-ups (empty when not run)
 * @param retrieval phone/camera pair retrieval results (empty when not run)
 * @param audit dataset audit, trace label against class (empty when not run)
 * @param notes what was skipped and why, and other remarks a reader must see, each with the section it
 *     belongs to
 * @param provenance inputs, model hashes, parameters, seeds, versions, codecs; arbitrary nesting of
 *     maps, lists, strings, numbers and booleans
 * @param erasure the "after erasure" measurements, raw beside erased on held-out images (empty when
 *     no eraser was given; absent from reports written before it existed)
 * @param zeroShot zero-shot readouts of the processing tasks by encoders with a text tower (empty when not
 *     run; left out of the JSON then, so reports without it are written as before)
 */
public record ReportData(String title, String created, DatasetInfo dataset, List<EncoderInfo> encoders,
                         List<ProbeRow> probes, List<KnnRow> knn, List<RetrievalRow> retrieval,
                         List<AuditRow> audit, List<Note> notes, Map<String, Object> provenance,
                         List<ErasureRow> erasure,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                         List<ZeroShotRow> zeroShot) {
    /** Validates that every row names a known encoder and that ids are unique; nulls become empty. */
    public ReportData {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(created, "created");
        try {
            Instant.parse(created);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("created must be an ISO-8601 instant such as 2025-06-01T12:00:00Z, got "
                    + created, e);
        }
        Objects.requireNonNull(dataset, "dataset");
        encoders = copy(encoders);
        probes = copy(probes);
        knn = copy(knn);
        retrieval = copy(retrieval);
        audit = copy(audit);
        notes = copy(notes);
        erasure = copy(erasure);
        zeroShot = copy(zeroShot);
        provenance = provenance == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        Set<String> ids = new HashSet<>();
        for (EncoderInfo e : encoders) {
            if (!ids.add(e.id())) {
                throw new IllegalArgumentException("encoder listed twice: " + e.id());
            }
        }
        for (ProbeRow r : probes) {
            known(ids, r.encoderId(), "probe row " + r.task());
        }
        for (KnnRow r : knn) {
            known(ids, r.encoderId(), "knn row " + r.task());
        }
        for (RetrievalRow r : retrieval) {
            known(ids, r.encoderId(), "retrieval row " + r.queryClass());
        }
        for (ErasureRow r : erasure) {
            known(ids, r.encoderId(), "erasure row " + r.measure());
        }
        for (ZeroShotRow r : zeroShot) {
            known(ids, r.encoderId(), "zero-shot row " + r.task());
        }
    }

    /** A report without zero-shot rows. */
    public ReportData(String title, String created, DatasetInfo dataset, List<EncoderInfo> encoders,
                      List<ProbeRow> probes, List<KnnRow> knn, List<RetrievalRow> retrieval,
                      List<AuditRow> audit, List<Note> notes, Map<String, Object> provenance, List<ErasureRow> erasure) {
        this(title, created, dataset, encoders, probes, knn, retrieval, audit, notes, provenance, erasure, List.of());
    }

    /** A report without an "after erasure" section. */
    public ReportData(String title, String created, DatasetInfo dataset, List<EncoderInfo> encoders,
                      List<ProbeRow> probes, List<KnnRow> knn, List<RetrievalRow> retrieval,
                      List<AuditRow> audit, List<Note> notes, Map<String, Object> provenance) {
        this(title, created, dataset, encoders, probes, knn, retrieval, audit, notes, provenance, List.of());
    }

    /** This report with the given "after erasure" rows. */
    public ReportData withErasure(List<ErasureRow> rows) {
        return new ReportData(title, created, dataset, encoders, probes, knn, retrieval, audit, notes, provenance, rows, zeroShot);
    }

    /** This report with the given zero-shot rows. */
    public ReportData withZeroShot(List<ZeroShotRow> rows) {
        return new ReportData(title, created, dataset, encoders, probes, knn, retrieval, audit, notes, provenance, erasure, rows);
    }

    /** A report stamped with the given creation time. */
    public static ReportData of(String title, Instant created, DatasetInfo dataset, List<EncoderInfo> encoders,
                                List<ProbeRow> probes, List<KnnRow> knn, List<RetrievalRow> retrieval,
                                List<AuditRow> audit, List<Note> notes, Map<String, Object> provenance) {
        return new ReportData(title, created.toString(), dataset, encoders, probes, knn, retrieval, audit, notes,
                provenance);
    }

    /** The encoder with this id. */
    public EncoderInfo encoder(String id) {
        for (EncoderInfo e : encoders) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no encoder " + id + " in the report");
    }

    /** The notes of one section, in the order they were made. */
    public List<Note> notes(Note.Section section) {
        return notes.stream().filter(n -> n.section() == section).toList();
    }

    /** The encoders in display order: by family (CVL, SUP, SSL, OTHER, REF), then as listed. */
    public List<EncoderInfo> encodersByFamily() {
        List<EncoderInfo> out = new java.util.ArrayList<>();
        for (EncoderGroup g : EncoderGroup.values()) {
            for (EncoderInfo e : encoders) {
                if (e.family() == g) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static void known(Set<String> ids, String id, String where) {
        if (!ids.contains(id)) {
            throw new IllegalArgumentException(where + " names encoder " + id + ", which is not in encoders");
        }
    }

    private static <T> List<T> copy(List<T> list) {
        if (list == null) {
            return List.of();
        }
        for (T t : list) {
            Objects.requireNonNull(t, "null element in a report list");
        }
        return List.copyOf(list);
    }
}
