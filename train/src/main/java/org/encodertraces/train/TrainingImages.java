package org.encodertraces.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.ReadFailure;
import org.encodertraces.data.Sample;
import org.encodertraces.image.ImageDecodeException;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.RgbImage;

/**
 * The decoded images of a labelled dataset held in memory for training (CIFAR-10's 50,000
 * 32x32 images are 150 MB), with the images that could not be decoded recorded, not dropped
 * silently.
 *
 * <p>Why decode once: augmentation runs on the decoded pixels every epoch; decoding them every
 * epoch would cost more than the augmentation itself.
 *
 * @param dataset  the dataset they came from
 * @param ids      sample ids of the decoded images, in dataset order
 * @param images   the decoded images
 * @param labels   class index of each
 * @param classes  class names (index order)
 * @param failures images that could not be decoded (file, reason)
 */
public record TrainingImages(Dataset dataset, List<String> ids, List<RgbImage> images, long[] labels, List<String> classes,
                             List<ReadFailure> failures) {

    /** Decodes every sample with a {@code label} on {@code threads} threads, at most {@code perClass} per class (0: all). */
    public static TrainingImages decode(Dataset full, int perClass, int threads) throws InterruptedException {
        // a subset is a dataset of its own (name, manifest hash), so provenance and resumption see which images were used
        Dataset d = TrainRun.perClass(full, perClass);
        List<String> classes = d.labelNames().get("label");
        if (classes == null || classes.size() < 2) {
            throw new IllegalArgumentException(d.source() + ": training needs class labels (one folder per class, at least 2 classes)");
        }
        List<Sample> chosen = new ArrayList<>();
        int[] taken = new int[classes.size()];
        for (Sample s : d.samples()) {
            Long l = s.labels().get("label");
            if (l == null || l < 0) {
                continue;
            }
            if (perClass <= 0 || taken[l.intValue()] < perClass) {
                taken[l.intValue()]++;
                chosen.add(s);
            }
        }
        List<Object> decoded = decodeEach(chosen, threads);
        List<String> ids = new ArrayList<>();
        List<RgbImage> images = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        List<ReadFailure> failures = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            if (decoded.get(i) instanceof RgbImage img) {
                ids.add(chosen.get(i).id());
                images.add(img);
                labels.add(chosen.get(i).labels().get("label"));
            } else {
                failures.add((ReadFailure) decoded.get(i));
            }
        }
        return new TrainingImages(d, List.copyOf(ids), List.copyOf(images), labels.stream().mapToLong(Long::longValue).toArray(),
                List.copyOf(classes), List.copyOf(failures));
    }

    /**
     * Decodes each sample on {@code threads} threads: per sample, in order, its {@link RgbImage} or the
     * {@link ReadFailure} that names its file and why it could not be read.
     */
    static List<Object> decodeEach(List<Sample> samples, int threads) throws InterruptedException {
        ImageDecoder decoder = new ImageDecoder();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<Object>> fs = new ArrayList<>();
            for (Sample s : samples) {
                fs.add(pool.submit(() -> {
                    try {
                        return decoder.decode(s.file()).image();
                    } catch (ImageDecodeException e) {
                        return new ReadFailure(s.file(), e.reason());
                    } catch (RuntimeException e) {
                        return new ReadFailure(s.file(), "decoding failed: " + e);
                    }
                }));
            }
            List<Object> out = new ArrayList<>(samples.size());
            for (Future<Object> f : fs) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Number of decoded images. */
    public int size() {
        return images.size();
    }

    /** Images per class, for provenance. */
    public Map<String, Integer> classCounts() {
        java.util.LinkedHashMap<String, Integer> m = new java.util.LinkedHashMap<>();
        classes.forEach(c -> m.put(c, 0));
        for (long l : labels) {
            m.merge(classes.get((int) l), 1, Integer::sum);
        }
        return m;
    }
}
