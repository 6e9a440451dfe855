package org.encodertraces.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.io.Csv;

/**
 * One CSV per row type of a {@link ReportData} ({@code encoders.csv}, {@code probes.csv},
 * {@code knn.csv}, {@code retrieval.csv}, {@code audit.csv}, {@code erasure.csv}, and {@code zero_shot.csv} when the
 * report has zero-shot rows), fractions as in the JSON, empty
 * cells for unknown values. A file is written with its header even when it has no rows, so that
 * scripts reading it need not test for its existence.
 */
public final class ReportCsv {
    private ReportCsv() {
    }

    /** Writes the six files (seven with zero-shot rows) into {@code dir} and returns their paths. */
    public static List<Path> write(ReportData d, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        StringBuilder b = new StringBuilder(Csv.line("encoder_id", "display_name", "family", "study_name",
                "model_sha256", "embedding_dim"));
        for (EncoderInfo e : d.encoders()) {
            b.append(Csv.line(e.id(), e.displayName(), e.family(), e.studyName(), e.modelSha256(), e.embeddingDim()));
        }
        out.add(write(dir.resolve("encoders.csv"), b));
        b = new StringBuilder(Csv.line("task", "kind", "encoder_id", "accuracy", "accuracy_std", "seeds", "chance",
                "above_chance", "mean_per_class_accuracy", "test_samples"));
        for (ProbeRow r : d.probes()) {
            b.append(Csv.line(r.task(), r.kind(), r.encoderId(), r.accuracy(), r.accuracyStd(), r.seeds(), r.chance(),
                    r.aboveChance(), r.meanPerClassAccuracy(), r.testSamples()));
        }
        out.add(write(dir.resolve("probes.csv"), b));
        b = new StringBuilder(Csv.line("task", "encoder_id", "k", "all_same", "pos_same", "neg_same", "all_diff",
                "uniform", "gap", "all_same_std", "pos_same_std", "neg_same_std", "all_diff_std", "uniform_std", "queries",
                "chance", "small_sample", "ceiling"));
        for (KnnRow r : d.knn()) {
            b.append(Csv.line(r.task(), r.encoderId(), r.k(), r.allSame(), r.posSame(), r.negSame(), r.allDiff(),
                    r.uniform(), r.gap(), r.allSameStd(), r.posSameStd(), r.negSameStd(), r.allDiffStd(),
                    r.uniformStd(), r.queries(), r.chance(), r.smallSample(), r.atCeiling()));
        }
        out.add(write(dir.resolve("knn.csv"), b));
        b = new StringBuilder(Csv.line("encoder_id", "query_class", "recall_at1_query_device",
                "recall_at5_query_device", "recall_at1_other_device", "recall_at5_other_device", "drop", "queries"));
        for (RetrievalRow r : d.retrieval()) {
            b.append(Csv.line(r.encoderId(), r.queryClass(), r.recallAt1QueryDevice(), r.recallAt5QueryDevice(),
                    r.recallAt1OtherDevice(), r.recallAt5OtherDevice(), r.drop(), r.queries()));
        }
        out.add(write(dir.resolve("retrieval.csv"), b));
        b = new StringBuilder(Csv.line("trace", "cramers_v", "n"));
        for (AuditRow r : d.audit()) {
            b.append(Csv.line(r.trace(), r.cramersV(), r.n()));
        }
        out.add(write(dir.resolve("audit.csv"), b));
        b = new StringBuilder(Csv.line("encoder_id", "eraser", "method", "concepts", "measure", "erased", "chance", "before",
                "before_std", "after", "after_std", "change", "evaluated_images", "test_samples"));
        for (ErasureRow r : d.erasure()) {
            b.append(Csv.line(r.encoderId(), r.eraser(), r.method(), r.concepts(), r.measure(), r.erased(), r.chance(), r.before(),
                    r.beforeStd(), r.after(), r.afterStd(), r.change(), r.evaluatedImages(), r.testSamples()));
        }
        out.add(write(dir.resolve("erasure.csv"), b));
        if (!d.zeroShot().isEmpty()) {
            b = new StringBuilder(Csv.line("encoder_id", "task", "zero_shot_accuracy", "zero_shot_lo", "zero_shot_hi", "correct",
                    "test_rows", "chance", "probe_accuracy", "probe_lo", "probe_hi", "classes"));
            for (ZeroShotRow r : d.zeroShot()) {
                b.append(Csv.line(r.encoderId(), r.task(), r.accuracy(), r.interval().lo(), r.interval().hi(), r.correct(), r.testRows(),
                        r.chance(), r.probeAccuracy(), r.probeInterval().lo(), r.probeInterval().hi(), String.join(" ", r.classNames())));
            }
            out.add(write(dir.resolve("zero_shot.csv"), b));
        }
        return out;
    }

    private static Path write(Path f, CharSequence text) throws IOException {
        Files.writeString(f, text);
        return f;
    }
}
