package org.encodertraces.report;

import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Finds, for every encoder row of a report, what the study published beside it: the figure for the
 * same encoder when it is one of the study's (by {@link EncoderInfo#studyName()}), otherwise the
 * range over the study's encoders of the same family (CVL, SUP, SSL), otherwise the reason there is
 * none (yardstick encoders and models of unknown family have no study family).
 */
public final class StudyFigures {
    private final PaperResults paper;
    private final PaperComparison comparison;

    /**
     * The figures of {@code paper} compared as {@code comparison} says.
     *
     * @param paper the study's figures, or null: every figure is then absent, with that reason
     */
    public StudyFigures(PaperResults paper, PaperComparison comparison) {
        this.paper = paper;
        this.comparison = comparison;
    }

    /** The study's probe accuracy for this encoder and task, or its family's range. */
    public StudyFigure probe(EncoderInfo e, ProbeKind kind, String task) {
        String source = comparison.label(kind);
        return find(e, source, name -> comparison.probe(paper, kind, task, name));
    }

    /** The study's kNN gap (pos-same minus neg-same) for this encoder and task, or its family's range. */
    public StudyFigure knnGap(EncoderInfo e, String task) {
        return find(e, comparison.processingLabel(), name -> comparison.knn(paper, task, name)
                .map(k -> OptionalDouble.of(k.gap())).orElse(OptionalDouble.empty()));
    }

    /** The study's kNN accuracy in the uniform set-up. */
    public StudyFigure knnUniform(EncoderInfo e, String task) {
        return find(e, comparison.processingLabel(), name -> comparison.knn(paper, task, name)
                .map(k -> OptionalDouble.of(k.uniform())).orElse(OptionalDouble.empty()));
    }

    /** The study's PairCams recall@1 with distractors from the other device. */
    public StudyFigure recallOther(EncoderInfo e) {
        return find(e, comparison.retrievalLabel(), name -> comparison.retrieval(paper, name)
                .map(r -> OptionalDouble.of(r.recallAt1OtherDevice())).orElse(OptionalDouble.empty()));
    }

    /** The study's PairCams recall@1 with distractors from the query's device. */
    public StudyFigure recallQuery(EncoderInfo e) {
        return find(e, comparison.retrievalLabel(), name -> comparison.retrieval(paper, name)
                .map(r -> OptionalDouble.of(r.recallAt1QueryDevice())).orElse(OptionalDouble.empty()));
    }

    /** The study's change of recall@1 from other-device to query-device distractors (negative = drop). */
    public StudyFigure recallChange(EncoderInfo e) {
        return find(e, comparison.retrievalLabel(), name -> comparison.retrieval(paper, name)
                .map(r -> OptionalDouble.of(-r.drop())).orElse(OptionalDouble.empty()));
    }

    private StudyFigure find(EncoderInfo e, String source, Function<String, OptionalDouble> figure) {
        if (paper == null) {
            return StudyFigure.none(source, "study figures not loaded");
        }
        if (e.studyName() != null) {
            OptionalDouble v = figure.apply(e.studyName());
            if (v.isPresent()) {
                return StudyFigure.exact(source, v.getAsDouble(), e.studyName());
            }
        }
        return switch (e.family()) {
            case REF -> StudyFigure.none(source, "yardstick: no study family");
            case OTHER -> StudyFigure.none(source, "family unknown: no study band");
            default -> paper.range(e.family().name(), figure).map(r -> StudyFigure.band(source, r))
                    .orElseGet(() -> StudyFigure.none(source, "the study published no figure for this"));
        };
    }
}
