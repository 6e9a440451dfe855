package org.encodertraces.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides a CLIP training run's result: the towers, the augmentation recipe of the
 * image tower, the schedule, the seed, the thread count, the tokenizer's minimum word count and,
 * when fine-tuning, the run it starts from.
 *
 * @param arch        the two towers
 * @param recipe      the image augmentation recipe (captions are not augmented; one of each image's captions is drawn per epoch)
 * @param epochs      passes over the training images
 * @param seed        seeds initialisation, the per-epoch order, caption choice and every augmentation draw
 * @param batchSize   image-caption pairs per step (the in-batch negatives; the last partial batch is dropped)
 * @param lr          peak AdamW learning rate (linear warm-up over the first epoch, cosine to 0)
 * @param weightDecay AdamW decoupled weight decay on arrays of rank 2 and more (open_clip's rule)
 * @param threads     PyTorch intra-op threads and augmentation workers
 * @param minCount    the fewest occurrences a caption word needs to get its own token (from scratch only)
 * @param init        the run fine-tuned from (its folder and checkpoint sha256), or null from scratch
 */
public record ClipConfig(ClipArchitecture arch, Recipe recipe, int epochs, long seed, int batchSize, double lr, double weightDecay,
                         int threads, int minCount, Init init) {
    /** AdamW's first-moment decay. */
    public static final double BETA1 = 0.9;
    /** AdamW's second-moment decay (CLIP's 0.98). */
    public static final double BETA2 = 0.98;
    /** AdamW's epsilon (CLIP's 1e-6). */
    public static final double EPS = 1e-6;

    /** The run a fine-tuning starts from. */
    public record Init(String dir, String checkpointSha256) {
    }

    public ClipConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be at least 2 (in-batch negatives), got " + batchSize);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("weight decay must not be negative, got " + weightDecay);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (minCount < 1) {
            throw new IllegalArgumentException("minimum word count must be at least 1, got " + minCount);
        }
    }

    /** Scratch or fine-tune. */
    public String mode() {
        return init == null ? "scratch" : "finetune";
    }

    /** For provenance and the run key. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("objective", "clip");
        m.put("loss", "symmetric InfoNCE (CLIP): mean of image-to-text and text-to-image cross-entropy over the batch, "
                + "logits exp(logit_scale) x cosine similarity, logit_scale learned from log(1/0.07), clamped to [0, log 100]");
        m.put("architecture", arch.describe());
        m.put("mode", mode());
        if (init != null) {
            m.put("init", Map.of("dir", init.dir(), "checkpointSha256", init.checkpointSha256()));
        }
        m.put("recipe", recipe.name());
        m.put("recipeComponents", recipe.describe());
        m.put("captions", "one of each image's captions per epoch, drawn from (seed, image id, epoch); not augmented");
        m.put("epochs", epochs);
        m.put("seed", seed);
        m.put("batchSize", batchSize);
        m.put("optimizer", Map.of("kind", "adamw", "lr", lr, "beta1", BETA1, "beta2", BETA2, "eps", EPS, "weightDecay", weightDecay,
                "decayed", "arrays of rank 2 and more (open_clip's rule): not biases, LayerNorm or batch-norm gains and shifts, the class embedding, the logit scale",
                "schedule", "linear warm-up over epoch 1, then cosine to 0"));
        m.put("tokenizerMinCount", minCount);
        m.put("threads", threads);
        return m;
    }
}
