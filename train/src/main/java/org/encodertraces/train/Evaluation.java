package org.encodertraces.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Map;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.encoder.Preprocessor;
import org.encodertraces.knn.KnnVote;

/**
 * How well trained weights do, measured on unaugmented images through the encoder's own
 * preprocessing, in inference mode (running batch-norm statistics): a cross-entropy run by its
 * classifier's accuracy, a contrastive run by kNN accuracy on its embeddings. Knows nothing of how
 * the weights were trained or saved.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * The accuracy a run reports on its own training images: the classifier's, or for a contrastive
     * run kNN with each training image left out of its own vote.
     */
    public static double trainAccuracy(TrainConfig cfg, Map<String, float[]> weights, TrainingImages data) {
        return cfg.objective().contrastive() ? knnAccuracy(cfg, weights, data, data, true)
                : accuracy(cfg, weights, data.classes().size(), data);
    }

    /** The accuracy a run reports on held-out images: the classifier's, or kNN against the training images. */
    public static double testAccuracy(TrainConfig cfg, Map<String, float[]> weights, TrainingImages data, TrainingImages test) {
        return cfg.objective().contrastive() ? knnAccuracy(cfg, weights, data, test, false)
                : accuracy(cfg, weights, data.classes().size(), test);
    }

    /** Accuracy of the network in inference mode (running batch-norm statistics). */
    public static double accuracy(TrainConfig cfg, Map<String, float[]> weights, int classes, TrainingImages test) {
        int size = cfg.arch().inputSize();
        PreprocessSpec spec = Training.preprocessing(size);
        long correct = 0;
        boolean gradWas = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager root = NDManager.newBaseManager(); ResNet net = new ResNet(cfg.arch(), classes, 0, root)) {
            net.restore(weights);
            for (int b0 = 0; b0 < test.size(); b0 += 256) {
                int m = Math.min(256, test.size() - b0);
                float[] x = unaugmented(test, b0, m, spec);
                try (NDManager sub = root.newSubManager()) {
                    NDArray pred = net.forward(sub.create(x, new Shape(m, 3, size, size)), false).argMax(1);
                    long[] p = pred.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
                    for (int i = 0; i < m; i++) {
                        if (p[i] == test.labels()[b0 + i]) {
                            correct++;
                        }
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(gradWas);
        }
        return test.size() == 0 ? Double.NaN : correct / (double) test.size();
    }

    /**
     * kNN accuracy of a contrastive run: each query image's class by majority vote of its
     * {@link Objective#KNN_K} nearest reference images (cosine similarity of the embeddings), all
     * unaugmented; the vote is the {@code knn} package's ({@link KnnVote}: a tie in count goes to the
     * tied class whose member ranks nearest), the one every kNN figure of the tool uses.
     *
     * @param leaveOneOut the queries are the reference images; each one's own entry is skipped
     */
    public static double knnAccuracy(TrainConfig cfg, Map<String, float[]> weights, TrainingImages reference, TrainingImages queries,
                                     boolean leaveOneOut) {
        int classes = reference.classes().size();
        int k = Math.min(Objective.KNN_K, reference.size() - (leaveOneOut ? 1 : 0));
        if (k < 1 || queries.size() == 0) {
            return Double.NaN;
        }
        boolean gradWas = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager root = NDManager.newBaseManager();
             ResNet net = new ResNet(cfg.arch(), cfg.objective().headSize(classes), 0, root)) {
            net.restore(weights);
            NDArray ref = normalisedEmbeddings(net, root, reference);
            NDArray qry = leaveOneOut ? ref : normalisedEmbeddings(net, root, queries);
            long correct = 0;
            int take = k + (leaveOneOut ? 1 : 0);
            for (int b0 = 0; b0 < queries.size(); b0 += 256) {
                int m = Math.min(256, queries.size() - b0);
                try (NDManager sub = root.newSubManager()) {
                    NDArray q = qry.get(b0 + ":" + (b0 + m));
                    q.tempAttach(sub);
                    NDArray sims = q.matMul(ref.transpose());
                    sims.tempAttach(sub);
                    ai.djl.ndarray.NDList top = sims.topK(take, 1, true, true);
                    long[] idx = top.get(1).toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
                    top.forEach(a -> a.tempAttach(sub));
                    int[] nearest = new int[k];
                    for (int i = 0; i < m; i++) {
                        // the k nearest reference labels, nearest first (a query is not its own neighbour)
                        int used = 0;
                        for (int j = 0; j < take && used < k; j++) {
                            long r = idx[i * take + j];
                            if (leaveOneOut && r == b0 + i) {
                                continue;
                            }
                            nearest[used++] = (int) reference.labels()[(int) r];
                        }
                        if (KnnVote.vote(nearest, used) == queries.labels()[b0 + i]) {
                            correct++;
                        }
                    }
                }
            }
            return correct / (double) queries.size();
        } finally {
            JniUtils.setGradMode(gradWas);
        }
    }

    /** The input tensor (row-major [m, 3, S, S]) of images b0..b0+m-1 as decoded, through the encoder's preprocessing. */
    private static float[] unaugmented(TrainingImages d, int b0, int m, PreprocessSpec spec) {
        int per = 3 * spec.cropSize() * spec.cropSize();
        float[] x = new float[m * per];
        for (int i = 0; i < m; i++) {
            Preprocessor.writeTensor(Preprocessor.resizeAndCrop(d.images().get(b0 + i), spec), spec, x, i * per);
        }
        return x;
    }

    /** L2-normalised embeddings [N, D] of unaugmented images, in inference mode. */
    private static NDArray normalisedEmbeddings(ResNet net, NDManager root, TrainingImages d) {
        int size = net.architecture().inputSize();
        int dim = net.architecture().embeddingDim();
        PreprocessSpec spec = Training.preprocessing(size);
        float[] all = new float[d.size() * dim];
        for (int b0 = 0; b0 < d.size(); b0 += 256) {
            int m = Math.min(256, d.size() - b0);
            float[] x = unaugmented(d, b0, m, spec);
            try (NDManager sub = root.newSubManager()) {
                float[] e = net.embed(sub.create(x, new Shape(m, 3, size, size)), false).toFloatArray();
                System.arraycopy(e, 0, all, b0 * dim, m * dim);
            }
        }
        for (int i = 0; i < d.size(); i++) {
            double n2 = 0;
            for (int j = 0; j < dim; j++) {
                n2 += (double) all[i * dim + j] * all[i * dim + j];
            }
            float inv = (float) (1 / Math.max(1e-12, Math.sqrt(n2)));
            for (int j = 0; j < dim; j++) {
                all[i * dim + j] *= inv;
            }
        }
        return root.create(all, new Shape(d.size(), dim));
    }

    /** Embeddings [N, D] in inference mode of normalised inputs (row-major), for export checks. */
    public static float[] embed(Architecture arch, int classes, Map<String, float[]> weights, float[] inputs, int n) {
        int size = arch.inputSize();
        boolean gradWas = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager root = NDManager.newBaseManager(); ResNet net = new ResNet(arch, classes, 0, root)) {
            net.restore(weights);
            return net.embed(root.create(inputs, new Shape(n, 3, size, size)), false).toFloatArray();
        } finally {
            JniUtils.setGradMode(gradWas);
        }
    }
}
