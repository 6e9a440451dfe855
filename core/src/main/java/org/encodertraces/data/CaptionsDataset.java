package org.encodertraces.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipException;

/**
 * An image-caption dataset ({@code captions:ARCHIVE.zip?split=train|test}, or the same layout in
 * a folder): {@code captions.jsonl} with one line per image ({@code {"file": "images/00001.png",
 * "captions": ["...", ...]}}, other keys ignored), {@code split.json} ({@code {"train": [files],
 * "test": [files]}}) and the image files, read in place. The layout of
 * {@code ../shared/data/flickr8k-captions-64.zip}, so a user's own image-caption set in that layout
 * reads the same way.
 *
 * <p>Why every problem is an error rather than a skipped image: a caption set trains a text tower
 * and its test split measures retrieval; an image without its captions, an empty caption or a
 * caption file in another encoding would change what is trained or measured without anyone
 * knowing. So a member name that leaves the archive (checked as {@link ZipDataset} does), a file
 * of the split without a caption line, a caption line whose image is missing, an empty caption
 * list or caption, a line that is not JSON and bytes that are not UTF-8 each refuse the set with
 * the file, the line and the reason.
 *
 * @param dataset  the split's images as samples (ids are the {@code file} names, no labels), in the split's order
 * @param captions each sample id's captions, in the file's order
 * @param split    the split read ({@code train} or {@code test})
 */
public record CaptionsDataset(Dataset dataset, Map<String, List<String>> captions, String split) {
    /** The captions file's name. */
    public static final String CAPTIONS = "captions.jsonl";
    /** The split file's name. */
    public static final String SPLIT = "split.json";
    /** The splits a spec may name. */
    public static final List<String> SPLITS = List.of("train", "test");

    public CaptionsDataset {
        captions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(captions));
    }

    /** Number of images. */
    public int size() {
        return dataset.samples().size();
    }

    /** Number of captions over all images. */
    public int captionCount() {
        return captions.values().stream().mapToInt(List::size).sum();
    }

    /**
     * Opens {@code path} (a zip archive or a folder) at {@code split}.
     *
     * @throws IOException naming the file and the reason
     */
    public static CaptionsDataset open(Path path, String split) throws IOException {
        if (!SPLITS.contains(split)) {
            throw new IOException(path + ": unknown split '" + split + "' (a captions: spec takes ?split=" + String.join("|", SPLITS) + ")");
        }
        if (!Files.exists(path)) {
            throw new IOException(path + ": no such caption set (a zip archive or a folder holding " + CAPTIONS + " and " + SPLIT + ")");
        }
        Path root;
        String where;
        if (Files.isDirectory(path)) {
            root = path;
            where = path.toString();
        } else {
            ZipDataset.checkMemberNames(path);
            FileSystem fs;
            try {
                fs = FileSystems.newFileSystem(path, Map.of());
            } catch (ZipException | java.nio.file.ProviderNotFoundException e) {
                throw new IOException(path + ": not a readable zip archive: " + e.getMessage(), e);
            }
            root = fs.getPath("/");
            where = path + "!/";
        }
        Path capFile = root.resolve(CAPTIONS);
        Path splitFile = root.resolve(SPLIT);
        for (Path f : List.of(capFile, splitFile)) {
            if (!Files.isRegularFile(f)) {
                throw new IOException(path + ": no " + f.getFileName() + " (a caption set holds " + CAPTIONS + ", " + SPLIT + " and the images)");
            }
        }
        List<String> files = splitFiles(splitFile, path + (Files.isDirectory(path) ? "/" : "!/") + SPLIT, split);
        Map<String, List<String>> all = readCaptions(capFile, path + (Files.isDirectory(path) ? "/" : "!/") + CAPTIONS, root);
        List<Sample> samples = new ArrayList<>(files.size());
        Map<String, List<String>> caps = new LinkedHashMap<>();
        for (String f : files) {
            List<String> c = all.get(f);
            if (c == null) {
                throw new IOException(where + (where.endsWith("/") ? "" : "/") + CAPTIONS + ": no caption line for '" + f
                        + "', which " + SPLIT + " lists in '" + split + "'; every image of a caption set needs its captions");
            }
            samples.add(new Sample(f, root.resolve(f), Map.of()));
            caps.put(f, c);
        }
        String base = path.getFileName().toString().replaceFirst("(?i)\\.zip$", "");
        Dataset d = new Dataset(Dataset.sanitize(base + "_" + split), "captions:" + path + "?split=" + split, samples, Map.of());
        return new CaptionsDataset(d, caps, split);
    }

    private static List<String> splitFiles(Path file, String shown, String split) throws IOException {
        JsonNode tree;
        try {
            tree = new ObjectMapper().readTree(strictUtf8(Files.readAllBytes(file), shown));
        } catch (JsonProcessingException e) {
            throw new IOException(shown + ": not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode list = tree == null ? null : tree.get(split);
        if (list == null || !list.isArray()) {
            throw new IOException(shown + ": no '" + split + "' list of files");
        }
        if (list.isEmpty()) {
            throw new IOException(shown + ": the '" + split + "' list is empty");
        }
        List<String> out = new ArrayList<>(list.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                throw new IOException(shown + ": '" + split + "' holds " + n + ", not a file name");
            }
            String f = n.asText();
            String why = ZipDataset.unsafe(f);
            if (why != null) {
                throw new IOException(shown + ": file '" + f + "' " + why + "; a caption set's files stay inside it");
            }
            if (!seen.add(f)) {
                throw new IOException(shown + ": '" + f + "' is listed twice in '" + split + "'");
            }
            out.add(f);
        }
        return out;
    }

    private static Map<String, List<String>> readCaptions(Path file, String shown, Path root) throws IOException {
        String text = strictUtf8(Files.readAllBytes(file), shown);
        ObjectMapper json = new ObjectMapper();
        Map<String, List<String>> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String at = shown + " line " + (i + 1);
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IOException(at + ": not JSON: " + e.getOriginalMessage(), e);
            }
            JsonNode f = n == null ? null : n.get("file");
            if (f == null || !f.isTextual() || f.asText().isEmpty()) {
                throw new IOException(at + ": no \"file\" (each line is {\"file\": ..., \"captions\": [...]})");
            }
            String name = f.asText();
            String why = ZipDataset.unsafe(name);
            if (why != null) {
                throw new IOException(at + ": file '" + name + "' " + why + "; a caption set's files stay inside it");
            }
            JsonNode cs = n.get("captions");
            if (cs == null || !cs.isArray()) {
                throw new IOException(at + ": '" + name + "' has no \"captions\" list");
            }
            if (cs.isEmpty()) {
                throw new IOException(at + ": '" + name + "' has an empty caption list");
            }
            List<String> caps = new ArrayList<>(cs.size());
            for (JsonNode c : cs) {
                if (!c.isTextual()) {
                    throw new IOException(at + ": '" + name + "' has a caption that is not text: " + c);
                }
                String s = c.asText().strip();
                if (s.isEmpty()) {
                    throw new IOException(at + ": '" + name + "' has an empty caption");
                }
                caps.add(s);
            }
            if (!Files.isRegularFile(root.resolve(name))) {
                throw new IOException(at + ": image '" + name + "' is not in the caption set");
            }
            if (out.put(name, List.copyOf(caps)) != null) {
                throw new IOException(at + ": '" + name + "' has a second caption line");
            }
        }
        if (out.isEmpty()) {
            throw new IOException(shown + ": no caption lines");
        }
        return out;
    }

    /** The text of UTF-8 bytes, refusing malformed sequences with the line they sit on. */
    static String strictUtf8(byte[] bytes, String shown) throws IOException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return dec.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // find the first bad byte's line for the message
            int line = 1;
            int bad = firstBadByte(bytes);
            for (int i = 0; i < bad && i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new IOException(shown + " line " + line + ": not UTF-8 text (byte offset " + bad + "); caption files are UTF-8", e);
        }
    }

    private static int firstBadByte(byte[] b) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(b.length + 1);
        java.nio.charset.CoderResult r = dec.decode(in, out, true);
        return r.isError() ? in.position() : b.length;
    }

    /** The split a spec names ({@code ?split=train|test}); a caption set has no default split. */
    static String splitOption(Path path, Map<String, String> opts) throws IOException {
        String s = opts.get("split");
        if (s == null) {
            throw new IOException(path + ": a captions: spec names its split (captions:" + path + "?split=" + String.join("|", SPLITS) + ")");
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
