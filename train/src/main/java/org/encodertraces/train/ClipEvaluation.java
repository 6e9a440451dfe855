package org.encodertraces.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.encoder.Preprocessor;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;

/**
 * Zero-shot retrieval of a trained CLIP on held-out image-caption pairs: every test image against
 * every test caption by cosine similarity of the two towers' embeddings (unaugmented images through
 * the encoder's own preprocessing). Image to text: an image is a hit at k when one of its own
 * captions ranks in the top k of all captions; text to image: a caption is a hit when its image
 * ranks in the top k of all images. Ties count against the hit (a caption scoring the same as the
 * true one ranks before it). Each figure comes with its n, its chance level (a random ranking) and a
 * 95% Wilson interval.
 */
public final class ClipEvaluation {
    /** The recall cut-offs reported. */
    public static final int[] KS = {1, 5, 10};
    private static final int BATCH = 256;

    private ClipEvaluation() {
    }

    /** One recall figure. */
    public record Recall(String direction, int k, double recall, int n, double chance, double lo, double hi) {
    }

    /** The embeddings (L2-normalised rows) of images and of token id rows under trained weights. */
    public record Embeddings(float[][] images, float[][] texts) {
    }

    /** Image and caption embeddings of a set under weights (DJL, inference mode). */
    public static Embeddings embed(ClipArchitecture arch, CaptionTokenizer tok, Map<String, float[]> weights, CaptionedImages test) {
        List<String> caps = test.allCaptions();
        long[][] ids = new long[caps.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tok.encode(caps.get(i));
        }
        return new Embeddings(normalise(imageEmbeddings(arch, tok.size(), weights, test.images())), normalise(textEmbeddings(arch, tok, weights, ids)));
    }

    /** Raw (not normalised) image embeddings of images. */
    public static float[][] imageEmbeddings(ClipArchitecture arch, int vocab, Map<String, float[]> weights, List<org.encodertraces.image.RgbImage> images) {
        int size = arch.imageSize();
        PreprocessSpec spec = Training.preprocessing(size);
        int per = 3 * size * size;
        float[][] out = new float[images.size()][];
        boolean gradWas = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager root = NDManager.newBaseManager(); ClipModel net = new ClipModel(arch, vocab, 0, root)) {
            net.restore(weights);
            for (int b0 = 0; b0 < images.size(); b0 += BATCH) {
                int m = Math.min(BATCH, images.size() - b0);
                float[] x = new float[m * per];
                for (int i = 0; i < m; i++) {
                    Preprocessor.writeTensor(Preprocessor.resizeAndCrop(images.get(b0 + i), spec), spec, x, i * per);
                }
                try (NDManager sub = root.newSubManager()) {
                    float[] e = net.encodeImage(sub.create(x, new Shape(m, 3, size, size)), false).toFloatArray();
                    int d = e.length / m;
                    for (int i = 0; i < m; i++) {
                        out[b0 + i] = java.util.Arrays.copyOfRange(e, i * d, (i + 1) * d);
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(gradWas);
        }
        return out;
    }

    /** Raw text embeddings of token id rows. */
    public static float[][] textEmbeddings(ClipArchitecture arch, CaptionTokenizer tok, Map<String, float[]> weights, long[][] ids) {
        int ctx = arch.context();
        float[][] out = new float[ids.length][];
        boolean gradWas = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager root = NDManager.newBaseManager(); ClipModel net = new ClipModel(arch, tok.size(), 0, root)) {
            net.restore(weights);
            for (int b0 = 0; b0 < ids.length; b0 += BATCH) {
                int m = Math.min(BATCH, ids.length - b0);
                long[] flat = new long[m * ctx];
                for (int i = 0; i < m; i++) {
                    System.arraycopy(ids[b0 + i], 0, flat, i * ctx, ctx);
                }
                try (NDManager sub = root.newSubManager()) {
                    float[] e = net.encodeText(sub, flat, tok.endId()).toFloatArray();
                    int d = e.length / m;
                    for (int i = 0; i < m; i++) {
                        out[b0 + i] = java.util.Arrays.copyOfRange(e, i * d, (i + 1) * d);
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(gradWas);
        }
        return out;
    }

    static float[][] normalise(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double s = 0;
            for (float v : rows[i]) {
                s += (double) v * v;
            }
            float inv = (float) (1 / Math.max(Math.sqrt(s), 1e-12));
            out[i] = new float[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j] * inv;
            }
        }
        return out;
    }

    /**
     * Recall@{1,5,10} both ways.
     *
     * @param captionsPerImage how many captions each image has, in order (the texts are the images' captions in that order)
     */
    public static List<Recall> recall(Embeddings e, int[] captionsPerImage) {
        int ni = e.images().length;
        int nt = e.texts().length;
        int[] owner = new int[nt];
        int[] first = new int[ni + 1];
        for (int i = 0, c = 0; i < ni; i++) {
            first[i] = c;
            for (int j = 0; j < captionsPerImage[i]; j++) {
                owner[c++] = i;
            }
            first[i + 1] = c;
        }
        if (first[ni] != nt) {
            throw new IllegalArgumentException(nt + " captions but the counts per image add to " + first[ni]);
        }
        float[][] sim = new float[ni][nt];
        for (int i = 0; i < ni; i++) {
            for (int t = 0; t < nt; t++) {
                sim[i][t] = dot(e.images()[i], e.texts()[t]);
            }
        }
        long[] i2t = new long[KS.length];
        for (int i = 0; i < ni; i++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int t = first[i]; t < first[i + 1]; t++) {
                best = Math.max(best, sim[i][t]);
            }
            int ahead = 0;
            for (int t = 0; t < nt; t++) {
                if (owner[t] != i && sim[i][t] >= best) {
                    ahead++;
                }
            }
            for (int k = 0; k < KS.length; k++) {
                if (ahead < KS[k]) {
                    i2t[k]++;
                }
            }
        }
        long[] t2i = new long[KS.length];
        for (int t = 0; t < nt; t++) {
            float own = sim[owner[t]][t];
            int ahead = 0;
            for (int i = 0; i < ni; i++) {
                if (i != owner[t] && sim[i][t] >= own) {
                    ahead++;
                }
            }
            for (int k = 0; k < KS.length; k++) {
                if (ahead < KS[k]) {
                    t2i[k]++;
                }
            }
        }
        List<Recall> out = new ArrayList<>();
        for (int k = 0; k < KS.length; k++) {
            // chance: a random ranking of the captions puts one of the image's own among the first k
            double chanceI2t = 0;
            for (int i = 0; i < ni; i++) {
                chanceI2t += 1 - noneInTop(nt, captionsPerImage[i], KS[k]);
            }
            out.add(recall("image->text", KS[k], i2t[k], ni, chanceI2t / ni));
            out.add(recall("text->image", KS[k], t2i[k], nt, Math.min(1.0, KS[k] / (double) ni)));
        }
        return out;
    }

    private static Recall recall(String dir, int k, long hits, int n, double chance) {
        double r = hits / (double) n;
        Interval ci = Intervals.wilson(r, n);
        return new Recall(dir, k, r, n, chance, ci.lo(), ci.hi());
    }

    /** The probability that none of {@code pos} positives among {@code total} items is in a random top {@code k}. */
    static double noneInTop(int total, int pos, int k) {
        double p = 1;
        for (int j = 0; j < Math.min(k, total); j++) {
            p *= (double) (total - pos - j) / (total - j);
            if (p <= 0) {
                return 0;
            }
        }
        return p;
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** The figures as provenance: one entry per direction and k. */
    public static List<Map<String, Object>> describe(List<Recall> rs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Recall r : rs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("direction", r.direction());
            m.put("k", r.k());
            m.put("recall", r.recall());
            m.put("n", r.n());
            m.put("chance", r.chance());
            m.put("ci95", List.of(r.lo(), r.hi()));
            out.add(m);
        }
        return out;
    }
}
