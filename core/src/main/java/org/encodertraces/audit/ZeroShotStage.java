package org.encodertraces.audit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.OperationSets;
import org.encodertraces.encoder.TextTower;
import org.encodertraces.probe.ProcessingProbe;
import org.encodertraces.probe.ProcessingTask;
import org.encodertraces.probe.PromptSet;
import org.encodertraces.probe.ZeroShot;

/**
 * The audit's zero-shot readout ({@code traces audit --zero-shot}): for a model with a text tower,
 * each processing task's classes are read from the image embeddings by text prompts ({@link ZeroShot},
 * {@link PromptSet}), on exactly the linear probe's test rows, so the two accuracies stand side by side
 * on the same images. Masked variants are not read out (their prompts would describe the mask).
 */
public final class ZeroShotStage {
    /**
     * What to read out: the prompts, and each model's text tower (by model name; the CLI found or
     * downloaded them before any work).
     */
    public record Request(PromptSet prompts, Map<String, TextTower.Files> towers) {
        public Request {
            towers = Map.copyOf(towers);
        }
    }

    /** The prompts' class embeddings of one model, per task, and where they came from. */
    record Texts(Map<ProcessingTask, float[][]> classes, Map<ProcessingTask, Map<String, List<String>>> prompts,
                 Map<String, Object> provenance) {
    }

    /** One task's readout on one model, beside the probe's figure on the same test rows. */
    public record Result(String task, ZeroShot.Result readout, double probeAccuracy, int probeTestRows) {
    }

    private ZeroShotStage() {
    }

    /** Embeds every task's prompts with the model's text tower (opened and closed here). */
    static Texts embed(Request request, String model, List<ProcessingTask> tasks, int threads) throws IOException {
        TextTower.Files files = request.towers().get(model);
        if (files == null) {
            throw new IllegalArgumentException(model + ": no text tower was prepared for the zero-shot readout");
        }
        Map<ProcessingTask, float[][]> classes = new EnumMap<>(ProcessingTask.class);
        Map<ProcessingTask, Map<String, List<String>>> prompts = new EnumMap<>(ProcessingTask.class);
        Map<String, Object> prov;
        try (TextTower tower = TextTower.open(files, threads)) {
            for (ProcessingTask t : tasks) {
                Map<String, List<String>> p = request.prompts().prompts(t);
                float[][] c = new float[p.size()][];
                int i = 0;
                for (List<String> texts : p.values()) {
                    c[i++] = ZeroShot.classEmbedding(tower.embed(texts));
                }
                classes.put(t, c);
                prompts.put(t, p);
            }
            prov = new LinkedHashMap<>(tower.provenance());
        }
        prov.put("prompts", request.prompts().source());
        return new Texts(classes, prompts, prov);
    }

    /**
     * Reads out each task whose (unmasked) probe ran, on that probe's test split: the images aligned as
     * the probe aligned them ({@link OperationSets#common}) and split with the same seed and fraction.
     *
     * @throws IllegalStateException if the rows differ from the probe's (a bug: the figures would not be comparable)
     */
    static List<Result> run(Texts texts, AuditConfig mcfg, Map<String, EmbeddingSet> sets, List<Audit.TaskProbe> probes,
                            Audit.Listener listener, String label) {
        List<Result> out = new ArrayList<>();
        for (ProcessingTask t : mcfg.tasks()) {
            String name = Audit.taskName(t);
            Audit.TaskProbe probe = probes.stream().filter(p -> !p.masked() && p.task().equals(name)).findFirst().orElse(null);
            if (probe == null || !texts.classes().containsKey(t)) {
                continue; // the probe was left out (with its note); nothing to stand beside
            }
            List<String> ops = t.operations();
            OperationSets a = OperationSets.common(ops, ops.stream().map(sets::get).toList());
            ProcessingProbe.ImageSplit split = ProcessingProbe.ImageSplit.random(a.ids().size(), mcfg.testFraction(), mcfg.seed());
            if (split.test().length * ops.size() != probe.result().testSize()) {
                throw new IllegalStateException(name + ": zero-shot test rows (" + split.test().length * ops.size()
                        + ") differ from the probe's (" + probe.result().testSize() + ")");
            }
            listener.stage(label + ": zero-shot " + name);
            ZeroShot.Result r = ZeroShot.run(name, ops, texts.prompts().get(t), a.rows(), split.test(), texts.classes().get(t));
            out.add(new Result(name, r, probe.result().accuracyMean(), probe.result().testSize()));
        }
        return out;
    }
}
