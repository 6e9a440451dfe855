package org.encodertraces.encoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A tiny image-text model laid out as the Hub's CLIP exports are, built in Java for tests (no Python, no
 * download): a vision model {@code pixel_values} [N,3,H,W] -&gt; {@code image_embeds} [N,3] (the mean of each
 * channel), a text model {@code input_ids} [N,L] int64 -&gt; {@code text_embeds} [N,3] (the mean of the
 * tokens' rows of a seeded random table), and a real Hugging Face {@code tokenizer.json} (WordLevel model,
 * lowercase normaliser, whitespace pre-tokenizer, a template that wraps each text in start and end tokens).
 * The weights are random: the readout it gives is about chance, but every number is exactly computable.
 */
public final class TinyClip {
    /** The embedding dimension. */
    public static final int DIM = 3;
    /** Start-of-text and end-of-text tokens, as CLIP names them. */
    public static final String START = "<|startoftext|>";
    public static final String END = "<|endoftext|>";

    private static final List<String> WORDS = List.of("a", "photo", "jpeg", "compressed", "heavily", "high", "low", "quality",
            "saved", "at", "sharpened", "over", "-", "downscaled", "upscaled", "resized", "with", "image", "of", "the", ",", "blurry",
            "natural", "strong", "some", "sharpening", "original", "resolution", "shrunk", "enlarged", "interpolation", "bilinear",
            "bicubic", "lanczos", "box", "chroma", "subsampling", "medium", "blocky");

    private TinyClip() {
    }

    /** The vocabulary, token to id: [UNK] 0, start 1, end 2, then the words. */
    public static Map<String, Integer> vocab() {
        Map<String, Integer> v = new LinkedHashMap<>();
        v.put("[UNK]", 0);
        v.put(START, 1);
        v.put(END, 2);
        for (String w : WORDS) {
            v.put(w, v.size());
        }
        return v;
    }

    /** The text tower's token table, [vocab size x DIM], row-major. */
    public static float[] table() {
        SplittableRandom r = new SplittableRandom(25);
        float[] t = new float[vocab().size() * DIM];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return t;
    }

    /** The vision model's bytes. */
    public static byte[] vision() {
        return new TinyOnnx().input("pixel_values", TinyOnnx.FLOAT, -1, 3, -1, -1).output("image_embeds", TinyOnnx.FLOAT, -1, DIM)
                .node("ReduceMean", List.of("pixel_values"), "image_embeds", Map.of("axes", new long[] {2, 3}, "keepdims", 0L))
                .build();
    }

    /** The text model's bytes. */
    public static byte[] text() {
        return new TinyOnnx().input("input_ids", TinyOnnx.INT64, -1, -1).output("text_embeds", TinyOnnx.FLOAT, -1, DIM)
                .initializer("token_table", table(), vocab().size(), DIM)
                .node("Gather", List.of("token_table", "input_ids"), "tokens", Map.of())
                .node("ReduceMean", List.of("tokens"), "text_embeds", Map.of("axes", new long[] {1}, "keepdims", 0L))
                .build();
    }

    /** What the text model outputs for these token ids: the mean of their table rows. */
    public static float[] expectedTextEmbedding(long[] ids) {
        float[] t = table();
        double[] s = new double[DIM];
        for (long id : ids) {
            for (int k = 0; k < DIM; k++) {
                s[k] += t[(int) id * DIM + k];
            }
        }
        float[] out = new float[DIM];
        for (int k = 0; k < DIM; k++) {
            out[k] = (float) (s[k] / ids.length);
        }
        return out;
    }

    /** The ids the tokenizer must give for a text: start, each lowercased word or punctuation run ([UNK] if unknown), end. */
    public static long[] expectedIds(String text) {
        Map<String, Integer> v = vocab();
        List<Long> ids = new ArrayList<>();
        ids.add(1L);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\w+|[^\\w\\s]+").matcher(text.toLowerCase(java.util.Locale.ROOT));
        while (m.find()) {
            ids.add((long) v.getOrDefault(m.group(), 0));
        }
        ids.add(2L);
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** The tokenizer.json text, with fixed padding to {@code length} tokens by the [UNK] id 0, as traces train writes its tokenizers. */
    public static String tokenizerJson(int length) {
        return tokenizerJson().replace("\"padding\": null", "\"padding\": {\"strategy\": {\"Fixed\": " + length
                + "}, \"direction\": \"Right\", \"pad_to_multiple_of\": null, \"pad_id\": 0, \"pad_type_id\": 0, \"pad_token\": \"[UNK]\"}");
    }

    /** The tokenizer.json text. */
    public static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder();
        for (Map.Entry<String, Integer> e : vocab().entrySet()) {
            vocab.append(vocab.length() == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": ").append(e.getValue());
        }
        return """
                {
                  "version": "1.0",
                  "truncation": null,
                  "padding": null,
                  "added_tokens": [
                    {"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                    {"id": 1, "content": "%s", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                    {"id": 2, "content": "%s", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
                  ],
                  "normalizer": {"type": "Lowercase"},
                  "pre_tokenizer": {"type": "Whitespace"},
                  "post_processor": {
                    "type": "TemplateProcessing",
                    "single": [{"SpecialToken": {"id": "%s", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                               {"SpecialToken": {"id": "%s", "type_id": 0}}],
                    "pair": [{"SpecialToken": {"id": "%s", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                             {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "%s", "type_id": 0}}],
                    "special_tokens": {
                      "%s": {"id": "%s", "ids": [1], "tokens": ["%s"]},
                      "%s": {"id": "%s", "ids": [2], "tokens": ["%s"]}
                    }
                  },
                  "decoder": null,
                  "model": {"type": "WordLevel", "vocab": {%s}, "unk_token": "[UNK]"}
                }
                """.formatted(START, END, START, END, START, END, START, START, START, END, END, END, vocab);
    }
}
