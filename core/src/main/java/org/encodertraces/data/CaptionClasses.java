package org.encodertraces.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Semantic classes of a caption set from its captions' words, for the figures that need a class
 * (the kNN set-ups) on a set that has none (Flickr8k): an image belongs to a class when at least
 * {@code minCaptions} of its captions contain one of the class's keywords as a whole word (case
 * ignored); an image that matches no class, or more than one, is left out and counted.
 *
 * <p>Why whole captions and not single words: one of five annotators mentioning a dog in the
 * background does not make a dog photo; three of five do. Why ambiguous images are left out
 * rather than given to the first class: a photo of a dog in the snow labelled "dog" would make
 * "snow" photos look alike for a reason the figure does not name.
 *
 * <p>In a spec: {@code captions:ARCHIVE.zip?split=test&classes=flickr8k} (the built-in set below),
 * or {@code &classes=dog:dog|dogs|puppy,snow:snow|skier} (a user's own), with
 * {@code &min-captions=N} (default 3).
 *
 * @param classes     class name to its keywords (lower case), in label order
 * @param minCaptions the fewest captions of an image that must name the class
 */
public record CaptionClasses(Map<String, Set<String>> classes, int minCaptions) {
    /** The default of {@code min-captions}. */
    public static final int DEFAULT_MIN_CAPTIONS = 3;

    /**
     * The built-in set ({@code classes=flickr8k}): five subjects frequent in Flickr8k's captions
     * whose photos look different (on its 821 test photos, with three of five captions: dog 123,
     * water 79, ball 41, snow 33, bike 35; 436 match none, 74 more than one).
     */
    public static final String FLICKR8K = "dog:dog|dogs|puppy|puppies,"
            + "water:water|pool|ocean|lake|river|swimming|surf|surfer|wave|waves|beach,"
            + "ball:ball|soccer|football|basketball|baseball,"
            + "snow:snow|snowy|ski|skier|skiing|snowboard|snowboarder,"
            + "bike:bike|bikes|bicycle|bicycles|biker|bikers|cyclist|bmx";

    public CaptionClasses {
        if (classes.size() < 2) {
            throw new IllegalArgumentException("caption classes: at least two classes are needed, got " + classes.keySet());
        }
        if (minCaptions < 1) {
            throw new IllegalArgumentException("caption classes: min-captions must be at least 1, got " + minCaptions);
        }
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        classes.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        classes = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Parses {@code flickr8k} or {@code name:word|word,name:word|word}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static CaptionClasses parse(String spec, int minCaptions) {
        String s = spec.strip().equalsIgnoreCase("flickr8k") ? FLICKR8K : spec.strip();
        Map<String, Set<String>> m = new LinkedHashMap<>();
        for (String part : s.split(",")) {
            int c = part.indexOf(':');
            if (c <= 0 || c == part.length() - 1) {
                throw new IllegalArgumentException("caption classes '" + spec + "': '" + part + "' is not name:word|word (or use classes=flickr8k)");
            }
            String name = part.substring(0, c).strip();
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("caption classes '" + spec + "': class name '" + name + "' must be letters, digits, '_' or '-'");
            }
            Set<String> words = new LinkedHashSet<>();
            for (String w : part.substring(c + 1).split("\\|")) {
                String t = w.strip().toLowerCase(Locale.ROOT);
                if (!t.matches("\\p{L}+")) {
                    throw new IllegalArgumentException("caption classes '" + spec + "': keyword '" + w + "' of '" + name + "' must be one word of letters");
                }
                words.add(t);
            }
            if (m.put(name, words) != null) {
                throw new IllegalArgumentException("caption classes '" + spec + "': class '" + name + "' is given twice");
            }
        }
        return new CaptionClasses(m, minCaptions);
    }

    /** The rule in one line, for notes and provenance. */
    public String describe() {
        StringBuilder sb = new StringBuilder("an image is of a class when at least " + minCaptions
                + " of its captions contain one of the class's words (whole words, case ignored); images matching no class or several are left out; classes: ");
        List<String> parts = new ArrayList<>();
        classes.forEach((k, v) -> parts.add(k + " (" + String.join("/", v.stream().sorted().toList()) + ")"));
        return sb.append(String.join(", ", parts)).toString();
    }

    /** The class index of an image's captions, -1 for none, -2 for more than one. */
    public int classOf(List<String> captions) {
        List<Set<String>> words = captions.stream().map(CaptionClasses::words).toList();
        int found = -1;
        int i = 0;
        for (Set<String> keys : classes.values()) {
            long hits = words.stream().filter(ws -> ws.stream().anyMatch(keys::contains)).count();
            if (hits >= minCaptions) {
                if (found >= 0) {
                    return -2;
                }
                found = i;
            }
            i++;
        }
        return found;
    }

    private static Set<String> words(String caption) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : caption.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * The labelled part of a caption set.
     *
     * @param captions  the images of exactly one class, labelled ({@code label}), with their captions
     * @param perClass  images per class, in label order
     * @param noClass   images that matched no class
     * @param ambiguous images that matched more than one
     */
    public record Labelled(CaptionsDataset captions, Map<String, Integer> perClass, int noClass, int ambiguous) {
        /** What was kept and left out, in one sentence. */
        public String note() {
            List<String> parts = new ArrayList<>();
            perClass.forEach((k, v) -> parts.add(k + " " + v));
            return "caption classes: " + String.join(", ", parts) + "; left out " + noClass + " image(s) matching no class and " + ambiguous
                    + " matching several";
        }
    }

    /**
     * Labels the images of {@code set} by this rule, keeping only those of exactly one class.
     *
     * @throws java.io.IOException naming the set when no image is of exactly one class
     */
    public Labelled apply(CaptionsDataset set, String specSuffix) throws java.io.IOException {
        List<String> names = new ArrayList<>(classes.keySet());
        Map<String, Integer> per = new LinkedHashMap<>();
        names.forEach(n -> per.put(n, 0));
        List<Sample> keep = new ArrayList<>();
        Map<String, List<String>> caps = new LinkedHashMap<>();
        int none = 0;
        int several = 0;
        for (Sample s : set.dataset().samples()) {
            List<String> c = set.captions().get(s.id());
            int k = classOf(c);
            if (k == -1) {
                none++;
            } else if (k == -2) {
                several++;
            } else {
                keep.add(new Sample(s.id(), s.file(), Map.of("label", (long) k)));
                caps.put(s.id(), c);
                per.merge(names.get(k), 1, Integer::sum);
            }
        }
        if (keep.isEmpty()) {
            throw new java.io.IOException(set.dataset().source() + ": no image's captions name exactly one of the classes " + names
                    + " in at least " + minCaptions + " captions");
        }
        Dataset d = new Dataset(Dataset.sanitize(set.dataset().name() + "_classes"), set.dataset().source() + specSuffix, keep,
                Map.of("label", names));
        return new Labelled(new CaptionsDataset(d, caps, set.split()), per, none, several);
    }
}
