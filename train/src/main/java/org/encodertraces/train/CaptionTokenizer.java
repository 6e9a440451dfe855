package org.encodertraces.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.encodertraces.io.AtomicFiles;

/**
 * A word-level tokenizer built from training captions, saved as a Hugging Face
 * {@code tokenizer.json} (a {@code WordLevel} model with the {@code Lowercase} normalizer, the
 * {@code Whitespace} pre-tokenizer, a {@code TemplateProcessing} post-processor that wraps a
 * caption in start and end tokens, and fixed-length truncation and padding), so the text tower's
 * input can be made by Hugging Face's tokenizers library in any language (DJL's
 * {@code HuggingFaceTokenizer} in Java, {@code tokenizers} in Python) exactly as training made it.
 *
 * <p>The rules, the same in {@link #encode} and in the saved file: lower-case; split into runs of
 * word characters and runs of other non-space characters (the Whitespace pre-tokenizer's
 * {@code \w+|[^\w\s]+}, so "dog's." is {@code dog ' s .}); a word seen fewer than
 * {@code minCount} times in the training captions is {@code <unk>}; ids 0 to 3 are {@code <pad>},
 * {@code <unk>}, {@code <start>}, {@code <end>}, then the words by falling count, ties in code-point
 * order (so a vocabulary depends only on the captions); a caption becomes {@code <start>}, at most
 * {@code context - 2} words, {@code <end>}, then {@code <pad>} up to {@code context}.
 *
 * <p>Why word-level: Flickr8k's captions have about 9,000 word types, a vocabulary a small text
 * tower learns directly, and a WordLevel file is the simplest layout every tokenizers version reads.
 *
 * @param vocab    token to id, ids 0..size-1 in order
 * @param context  the text tower's context length (tokens per caption, start and end included)
 * @param minCount the fewest occurrences a word needed to get its own id
 */
public record CaptionTokenizer(Map<String, Integer> vocab, int context, int minCount) {
    /** Padding (id 0). */
    public static final String PAD = "<pad>";
    /** Unknown word (id 1). */
    public static final String UNK = "<unk>";
    /** Start of a caption (id 2). */
    public static final String START = "<start>";
    /** End of a caption (id 3); the text tower's embedding is its output at this token. */
    public static final String END = "<end>";
    /** The special tokens in id order. */
    public static final List<String> SPECIALS = List.of(PAD, UNK, START, END);
    /** The file name beside a trained model. */
    public static final String FILE = "tokenizer.json";

    private static final Pattern WORDS = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    public CaptionTokenizer {
        vocab = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vocab));
        if (context < 3) {
            throw new IllegalArgumentException("context length must be at least 3 (start, one word, end), got " + context);
        }
        for (int i = 0; i < SPECIALS.size(); i++) {
            if (!Integer.valueOf(i).equals(vocab.get(SPECIALS.get(i)))) {
                throw new IllegalArgumentException("the vocabulary must give " + SPECIALS.get(i) + " id " + i);
            }
        }
    }

    /** Builds the vocabulary from captions (in any order: the result depends only on the multiset). */
    public static CaptionTokenizer build(Collection<String> captions, int context, int minCount) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minimum count must be at least 1, got " + minCount);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String c : captions) {
            for (String w : words(c)) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> kept = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() >= minCount && !SPECIALS.contains(e.getKey())) {
                kept.add(e);
            }
        }
        kept.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String s : SPECIALS) {
            vocab.put(s, vocab.size());
        }
        for (Map.Entry<String, Integer> e : kept) {
            vocab.put(e.getKey(), vocab.size());
        }
        return new CaptionTokenizer(vocab, context, minCount);
    }

    /** The normalised, pre-tokenized words of a text (lower-cased; word runs and punctuation runs). */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORDS.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Vocabulary size (the text tower's embedding rows). */
    public int size() {
        return vocab.size();
    }

    /** Id of the end token. */
    public int endId() {
        return vocab.get(END);
    }

    /** The ids of a caption, exactly {@link #context} long: start, words (truncated), end, padding. */
    public long[] encode(String text) {
        long[] ids = new long[context];
        Arrays.fill(ids, vocab.get(PAD));
        ids[0] = vocab.get(START);
        int n = 1;
        int unk = vocab.get(UNK);
        for (String w : words(text)) {
            if (n == context - 1) {
                break;
            }
            ids[n++] = vocab.getOrDefault(w, unk);
        }
        ids[n] = vocab.get(END);
        return ids;
    }

    /** The Hugging Face {@code tokenizer.json} of this tokenizer. */
    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", Map.of("direction", "Right", "max_length", context, "strategy", "LongestFirst", "stride", 0));
        Map<String, Object> padding = new LinkedHashMap<>();
        padding.put("strategy", Map.of("Fixed", context));
        padding.put("direction", "Right");
        padding.put("pad_to_multiple_of", null);
        padding.put("pad_id", vocab.get(PAD));
        padding.put("pad_type_id", 0);
        padding.put("pad_token", PAD);
        root.put("padding", padding);
        List<Object> added = new ArrayList<>();
        for (String s : SPECIALS) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", vocab.get(s));
            t.put("content", s);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            added.add(t);
        }
        root.put("added_tokens", added);
        root.put("normalizer", Map.of("type", "Lowercase"));
        root.put("pre_tokenizer", Map.of("type", "Whitespace"));
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("type", "TemplateProcessing");
        post.put("single", List.of(special(START), sequence("A"), special(END)));
        post.put("pair", List.of(special(START), sequence("A"), special(END), sequence("B"), special(END)));
        Map<String, Object> specials = new LinkedHashMap<>();
        for (String s : List.of(START, END)) {
            specials.put(s, Map.of("id", s, "ids", List.of(vocab.get(s)), "tokens", List.of(s)));
        }
        post.put("special_tokens", specials);
        root.put("post_processor", post);
        root.put("decoder", null);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "WordLevel");
        model.put("vocab", vocab);
        model.put("unk_token", UNK);
        root.put("model", model);
        return root;
    }

    private static Map<String, Object> special(String id) {
        return Map.of("SpecialToken", Map.of("id", id, "type_id", 0));
    }

    private static Map<String, Object> sequence(String id) {
        return Map.of("Sequence", Map.of("id", id, "type_id", 0));
    }

    /** Writes {@code tokenizer.json} atomically. */
    public void write(Path file) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.writeBytes(file, om.writeValueAsBytes(toJson()));
    }

    /**
     * Reads a {@code tokenizer.json} this class wrote (a WordLevel model with our special tokens
     * and a fixed padding length).
     *
     * @throws IOException naming the file and what it lacks
     */
    public static CaptionTokenizer read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !"WordLevel".equals(model.path("type").asText()) || !model.path("vocab").isObject()) {
            throw new IOException(file + ": not a WordLevel tokenizer.json (written by traces train --objective clip)");
        }
        int context = root.path("padding").path("strategy").path("Fixed").asInt(0);
        if (context < 3) {
            throw new IOException(file + ": no fixed padding length (the text tower's context length)");
        }
        List<Map.Entry<String, Integer>> entries = new ArrayList<>();
        model.get("vocab").fields().forEachRemaining(e -> entries.add(Map.entry(e.getKey(), e.getValue().asInt())));
        entries.sort(Map.Entry.comparingByValue());
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getValue() != i) {
                throw new IOException(file + ": vocabulary ids are not 0.." + (entries.size() - 1));
            }
            vocab.put(entries.get(i).getKey(), i);
        }
        try {
            // the minimum count is not part of the file (training.json records it); what was kept is the vocabulary
            return new CaptionTokenizer(vocab, context, 1);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
