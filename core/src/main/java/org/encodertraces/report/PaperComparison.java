package org.encodertraces.report;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which of the study's figures a report sets beside ours, stated explicitly because the user's
 * data is neither of the study's datasets: processing probes and kNN are compared with the
 * study's figures on {@code processingDataset}, acquisition probes with FlickrExif, retrieval
 * with PairCams. Task names of our rows are mapped to the study's through {@code taskAliases}
 * (case-insensitive; a task without an alias is looked up under its own name).
 *
 * @param processingDataset the study dataset for processing probes and kNN: {@code ImageNet} or {@code iNaturalist}
 * @param taskAliases our task name (any case) to the study's task or attribute name
 */
public record PaperComparison(String processingDataset, Map<String, String> taskAliases) {
    /** The aliases every default comparison uses: common names of acquisition tasks to the study's attributes. */
    public static final Map<String, String> DEFAULT_ALIASES = defaults();

    /** Validates; keys are stored lower-case. */
    public PaperComparison {
        Objects.requireNonNull(processingDataset, "processingDataset");
        Map<String, String> m = new LinkedHashMap<>();
        if (taskAliases != null) {
            taskAliases.forEach((k, v) -> m.put(k.trim().toLowerCase(Locale.ROOT), Objects.requireNonNull(v)));
        }
        taskAliases = java.util.Collections.unmodifiableMap(m);
    }

    /** The default: the study's ImageNet figures as the processing reference. */
    public static PaperComparison imageNet() {
        return new PaperComparison("ImageNet", DEFAULT_ALIASES);
    }

    /** The study's iNaturalist 2018 figures as the processing reference. */
    public static PaperComparison iNaturalist() {
        return new PaperComparison("iNaturalist", DEFAULT_ALIASES);
    }

    /** The study's name for one of our tasks. */
    public String studyTask(String ourTask) {
        return taskAliases.getOrDefault(ourTask.trim().toLowerCase(Locale.ROOT), ourTask);
    }

    /** The label put on study figures of processing probes and kNN, such as {@code study, ImageNet}. */
    public String processingLabel() {
        return "study, " + processingDataset;
    }

    /** The label put on study figures of acquisition probes. */
    public String acquisitionLabel() {
        return "study, FlickrExif";
    }

    /** The label put on study figures of pair retrieval. */
    public String retrievalLabel() {
        return "study, PairCams";
    }

    /** The label for a probe of this kind. */
    public String label(ProbeKind kind) {
        return kind == ProbeKind.PROCESSING ? processingLabel() : acquisitionLabel();
    }

    /**
     * Classes of each FlickrExif attribute in the study's published splits ({@code label_encoder_classes}
     * of {@code ../shared/data/flickrexif-splits}); the splits are balanced, so the study's chance is 1 /
     * classes.
     */
    public static final Map<String, Integer> STUDY_ACQUISITION_CLASSES = Map.of("Make", 9, "Model (all)", 88, "Model (smart)", 12,
            "Model (smart vs non-smart)", 2, "Exposure", 16, "Aperture", 17, "Focal Length", 13, "ISO Speed", 16, "Flash", 2, "Year", 25);

    /**
     * The chance level of the study's own figure for our task, so that a study accuracy can be set
     * beside ours as points above chance like for like: a processing task has the same operations in
     * the study ({@code ourChance}); an acquisition attribute has the study's label set (1 / its classes),
     * which may differ from ours. Null when unknown.
     */
    public Double studyChance(ProbeKind kind, String task, double ourChance) {
        if (kind == ProbeKind.PROCESSING) {
            return ourChance;
        }
        Integer classes = STUDY_ACQUISITION_CLASSES.get(studyTask(task));
        return classes == null ? null : 1.0 / classes;
    }

    /** The study's probe accuracy for our task and encoder, if it published one. */
    public java.util.OptionalDouble probe(PaperResults paper, ProbeKind kind, String task, String studyName) {
        if (paper == null || studyName == null) {
            return java.util.OptionalDouble.empty();
        }
        return kind == ProbeKind.PROCESSING
                ? paper.processingProbe(processingDataset, studyTask(task), studyName)
                : paper.acquisitionProbe(studyTask(task), studyName);
    }

    /** The study's kNN figures for our task and encoder, if it published them. */
    public java.util.Optional<PaperResults.Knn> knn(PaperResults paper, String task, String studyName) {
        if (paper == null || studyName == null) {
            return java.util.Optional.empty();
        }
        return paper.knn(processingDataset, studyTask(task), studyName);
    }

    /** The study's PairCams recall for an encoder, if it published it. */
    public java.util.Optional<PaperResults.Retrieval> retrieval(PaperResults paper, String studyName) {
        if (paper == null || studyName == null) {
            return java.util.Optional.empty();
        }
        return paper.retrieval(studyName);
    }

    private static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", "Model (all)");
        m.put("camera model", "Model (all)");
        m.put("phone model", "Model (smart)");
        m.put("smartphone model", "Model (smart)");
        m.put("phone vs camera", "Model (smart vs non-smart)");
        m.put("phone-vs-camera", "Model (smart vs non-smart)");
        m.put("smartphone", "Model (smart vs non-smart)");
        m.put("device class", "Model (smart vs non-smart)");
        m.put("is smartphone", "Model (smart vs non-smart)");
        m.put("iso", "ISO Speed");
        m.put("exposure time", "Exposure");
        m.put("focal length", "Focal Length");
        m.put("f-number", "Aperture");
        m.put("jpeg quality", "JPEG");
        return java.util.Collections.unmodifiableMap(m);
    }
}
