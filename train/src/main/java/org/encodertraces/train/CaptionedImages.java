package org.encodertraces.train;

import java.util.ArrayList;
import java.util.List;
import org.encodertraces.data.CaptionsDataset;
import org.encodertraces.data.ReadFailure;
import org.encodertraces.data.Sample;
import org.encodertraces.image.RgbImage;

/**
 * The decoded images of a caption set held in memory for training or retrieval, each with its
 * captions; images that could not be decoded are recorded with the reason, not dropped silently
 * (their captions leave with them, and the counts say so).
 *
 * @param source   the caption set
 * @param ids      sample ids of the decoded images, in the split's order
 * @param images   the decoded images
 * @param captions each image's captions
 * @param failures images that could not be decoded (file, reason)
 */
public record CaptionedImages(CaptionsDataset source, List<String> ids, List<RgbImage> images, List<List<String>> captions,
                              List<ReadFailure> failures) {
    /** Decodes every image of the set on {@code threads} threads. */
    public static CaptionedImages decode(CaptionsDataset set, int threads) throws InterruptedException {
        List<Sample> samples = set.dataset().samples();
        List<Object> decoded = TrainingImages.decodeEach(samples, threads);
        List<String> ids = new ArrayList<>();
        List<RgbImage> images = new ArrayList<>();
        List<List<String>> caps = new ArrayList<>();
        List<ReadFailure> failures = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (decoded.get(i) instanceof RgbImage img) {
                ids.add(samples.get(i).id());
                images.add(img);
                caps.add(set.captions().get(samples.get(i).id()));
            } else {
                failures.add((ReadFailure) decoded.get(i));
            }
        }
        return new CaptionedImages(set, List.copyOf(ids), List.copyOf(images), List.copyOf(caps), List.copyOf(failures));
    }

    /** Number of decoded images. */
    public int size() {
        return images.size();
    }

    /** Every caption of the decoded images, in order. */
    public List<String> allCaptions() {
        List<String> all = new ArrayList<>();
        captions.forEach(all::addAll);
        return all;
    }

    /** The first {@code n} images (0 or more than there are: all), for short runs and tests. */
    public CaptionedImages first(int n) {
        if (n <= 0 || n >= size()) {
            return this;
        }
        return new CaptionedImages(source, ids.subList(0, n), images.subList(0, n), captions.subList(0, n), failures);
    }
}
