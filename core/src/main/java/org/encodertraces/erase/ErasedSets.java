package org.encodertraces.erase;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.SetProvenance;
import org.encodertraces.provenance.Hashes;
import org.encodertraces.validity.SampleIdentity;

/**
 * Applies an eraser file to embedding sets: refuses sets of another encoder, erases every row,
 * and chains the provenance (the set's own provenance is kept, an {@code erasures} entry naming the
 * eraser, its sha256, method, concepts and the source set is appended).
 *
 * <p>Also answers which of a set's images the eraser was fitted on, so that experiments can insist
 * on evaluating on images it never saw.
 */
public final class ErasedSets {
    private ErasedSets() {
    }

    /**
     * The erased copy of {@code set} (read from {@code setFile}).
     *
     * @throws IllegalArgumentException when the set was made by another encoder than the eraser's
     */
    public static EmbeddingSet apply(EraserFile eraser, Path eraserFile, EmbeddingSet set, Path setFile) throws IOException {
        eraser.encoder().requireSame(EncoderIdentity.of(set), eraserFile, setFile);
        float[] erased = eraser.eraser().apply(set.embeddings(), set.rows());
        SetProvenance prov = set.provenance().withErasure(new SetProvenance.Erasure(eraserFile.getFileName().toString(),
                Hashes.sha256(eraserFile), eraser.eraser().method(), eraser.eraser().rank(), eraser.conceptNames(),
                setFile.getFileName().toString(), Hashes.sha256(setFile)));
        return new EmbeddingSet(set.rows(), set.dim(), erased, set.labels(), set.ids(), prov);
    }

    /**
     * How many of the given ids of {@code set}'s images the eraser was fitted on (0 when the set comes
     * from another dataset than the eraser's fitting images, by manifest sha256).
     */
    public static int fittedAmong(EraserFile eraser, EmbeddingSet set, List<String> ids) {
        String manifest = set.provenance().manifestSha256();
        if (!manifest.isEmpty() && !eraser.datasetSha256().isEmpty() && !manifest.equals(eraser.datasetSha256())) {
            return 0;
        }
        Set<String> fitted = new HashSet<>(eraser.fittedIds());
        // by real identity: a set without a sidecar names its rows "0", "1", ... in every file, so its rows
        // are known by the file's sha256 and row (as erase fit records them), never by the row number alone
        boolean anonymous = SampleIdentity.anonymous(set);
        int n = 0;
        for (String id : ids) {
            n += fitted.contains(anonymous ? SampleIdentity.key(set, id) : id) ? 1 : 0;
        }
        return n;
    }
}
