package org.encodertraces.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides a training run's result: network, recipe, schedule, seed and thread
 * count (the PyTorch CPU kernels are bit-reproducible for a fixed thread count).
 *
 * @param arch        the network
 * @param recipe      the augmentation recipe
 * @param epochs      passes over the training set
 * @param seed        seeds initialisation, the per-epoch order and every augmentation draw
 * @param batchSize   images per step (the last partial batch of an epoch is dropped)
 * @param lr          peak learning rate of SGD with momentum (cosine decay to 0 after 1 warm-up epoch)
 * @param momentum    SGD momentum
 * @param weightDecay L2 weight decay on every parameter
 * @param threads     PyTorch intra-op threads and augmentation workers
 * @param objective   what is minimised (cross-entropy on the labels by default)
 */
public record TrainConfig(Architecture arch, Recipe recipe, int epochs, long seed, int batchSize, double lr,
                          double momentum, double weightDecay, int threads, Objective objective) {
    /** A cross-entropy run. */
    public TrainConfig(Architecture arch, Recipe recipe, int epochs, long seed, int batchSize, double lr, double momentum, double weightDecay,
                       int threads) {
        this(arch, recipe, epochs, seed, batchSize, lr, momentum, weightDecay, threads, Objective.crossEntropy());
    }

    public TrainConfig {
        if (objective.contrastive() && recipe.name().equals("none")) {
            throw new IllegalArgumentException("the simclr objective needs a random augmentation recipe (e.g. ssl, crop-flip+trace): "
                    + "with 'none' both views of an image are the same pixels");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be at least 2 (batch norm), got " + batchSize);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** A copy with another objective. */
    public TrainConfig withObjective(Objective o) {
        return new TrainConfig(arch, recipe, epochs, seed, batchSize, lr, momentum, weightDecay, threads, o);
    }

    /** For provenance and for checking that a resumed run continues the same run. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", arch.describe());
        m.put("recipe", recipe.name());
        m.put("recipeComponents", recipe.describe());
        m.put("epochs", epochs);
        m.put("seed", seed);
        m.put("batchSize", batchSize);
        m.put("optimizer", Map.of("kind", "sgd-momentum", "lr", lr, "momentum", momentum, "weightDecay", weightDecay,
                "schedule", "linear warm-up over epoch 1, then cosine to 0"));
        if (objective.contrastive()) {
            // only a non-default objective enters the description (and so the run key): cross-entropy runs keep their keys
            m.put("loss", "NT-Xent (SimCLR) on two augmented views of each image, through a linear projection head");
            m.put("objective", objective.describe());
        } else {
            m.put("loss", "softmax cross-entropy on class labels");
        }
        m.put("threads", threads);
        return m;
    }
}
