package org.encodertraces.encoder;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Objects;

/**
 * Where a registry model's ONNX file comes from: a file in the shared folder, a published
 * export on the Hugging Face Hub, or an export recipe the user runs with PyTorch. Unknown
 * facts (a revision, a checksum) are null, never guessed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ModelSource.SharedFile.class, name = "file"),
    @JsonSubTypes.Type(value = ModelSource.HubFile.class, name = "hub"),
    @JsonSubTypes.Type(value = ModelSource.Recipe.class, name = "recipe")})
public sealed interface ModelSource extends java.io.Serializable {

    /**
     * A file in the shared folder (tests' {@code ../shared}).
     *
     * @param path path relative to the shared folder
     * @param sha256 expected checksum, lowercase hex
     */
    record SharedFile(String path, String sha256) implements ModelSource {
        /** Validates. */
        public SharedFile {
            Objects.requireNonNull(path, "path");
            checkSha(sha256);
        }
    }

    /**
     * A file in a Hugging Face Hub model repository.
     *
     * @param repo repository id such as {@code Xenova/clip-vit-base-patch16}
     * @param revision branch, tag or commit
     * @param file path inside the repository
     * @param sha256 expected checksum, or null when not known
     * @param sizeMb the file's size in MB as the Hub lists it, or null when not known
     * @param weights {@code same} when the export holds the study's weights, {@code likely} when
     *     that is probable but unverified; null for models outside the study
     * @param l2NormalizedInGraph true when the export L2-normalises its output inside the graph
     *     (the study used the raw output); null when not known
     */
    record HubFile(String repo, String revision, String file, String sha256, Double sizeMb, String weights,
                   Boolean l2NormalizedInGraph) implements ModelSource {
        /** A Hub file with only its coordinates and checksum known. */
        public HubFile(String repo, String revision, String file, String sha256) {
            this(repo, revision, file, sha256, null, null, null);
        }

        /** Validates. */
        public HubFile {
            if (weights != null && !weights.equals("same") && !weights.equals("likely")) {
                throw new IllegalArgumentException("weights must be 'same' or 'likely': " + weights);
            }
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(file, "file");
            if (!repo.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("not a Hub repository id: " + repo);
            }
            checkSha(sha256);
        }
    }

    /**
     * An export the user runs: {@code python3 <script> <args> --out DIR} writes the ONNX file and
     * its preprocessing spec JSON. Where the study's published checkpoint is known and its
     * architecture has a Java graph builder ({@code CheckpointModels}), the checkpoint is what runs
     * and the recipe is the documented fallback.
     *
     * @param script path of the script in the repository
     * @param args its arguments
     * @param checkpoint the published checkpoint of the study's weights, or null when not recorded
     */
    record Recipe(String script, List<String> args, PublishedCheckpoint checkpoint) implements ModelSource {
        /** Validates and copies. */
        public Recipe {
            Objects.requireNonNull(script, "script");
            args = List.copyOf(args);
        }

        /** A recipe with no recorded checkpoint. */
        public Recipe(String script, List<String> args) {
            this(script, args, null);
        }
    }

    /**
     * Where the study's weights are published as a checkpoint: a Hub file (downloaded like a Hub
     * ONNX file, its LFS sha256 verified) or an https URL outside the Hub (not downloaded by us:
     * the user fetches it and passes {@code ID=FILE}).
     *
     * @param repo Hub repository id, or null for a URL
     * @param revision Hub revision ({@code main} when not pinned), or null for a URL
     * @param file path in the Hub repository, or null for a URL
     * @param url the download URL outside the Hub, or null
     * @param sha256 expected checksum, or null when not known (the Hub's LFS hash is still checked)
     * @param sizeMb the file's size in MB as published, or null when not known
     * @param readFrom where these coordinates were read
     */
    record PublishedCheckpoint(String repo, String revision, String file, String url, String sha256, Double sizeMb, String readFrom)
            implements java.io.Serializable {
        /** Validates: a Hub file or a URL. */
        public PublishedCheckpoint {
            if ((repo == null) == (url == null)) {
                throw new IllegalArgumentException("a published checkpoint is a Hub file or a URL: " + repo + " / " + url);
            }
            if (repo != null && (file == null || revision == null || !repo.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+"))) {
                throw new IllegalArgumentException("not a Hub file: " + repo + "@" + revision + "/" + file);
            }
            if (url != null && !url.startsWith("https://")) {
                throw new IllegalArgumentException("a checkpoint URL must be https: " + url);
            }
            checkSha(sha256);
        }

        /** Whether it is on the Hub. */
        public boolean onHub() {
            return repo != null;
        }
    }

    private static void checkSha(String sha256) {
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits: " + sha256);
        }
    }
}
