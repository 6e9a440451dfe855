package org.encodertraces.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.TestData;
import org.encodertraces.encoder.Registry;
import org.encodertraces.encoder.RegistryEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaperResultsTest {
    private static PaperResults paper() throws IOException {
        return PaperResults.load(TestData.shared().resolve("reference/paper-results"));
    }

    @Test
    void readsTheStudysFiguresAsFractionsWhateverTheFileSpelling() throws IOException {
        PaperResults p = paper();
        assertEquals(47, p.models().size());
        String clip = "CLIP (ViT-B/16, WIT)";
        // probe_processing.csv spells tasks in lower case ("sharpening"), knn_influence.csv capitalised
        assertEquals(0.6483, p.processingProbe("ImageNet", "JPEG", clip).getAsDouble(), 1e-12);
        assertEquals(0.6931, p.processingProbe("imagenet", "Sharpening", clip).getAsDouble(), 1e-12);
        // "iNaturalist2018" in one file, "iNat" in the other
        assertTrue(p.processingProbe("iNaturalist", "JPEG", clip).isPresent());
        assertTrue(p.knn("iNaturalist", "JPEG", clip).isPresent());
        PaperResults.Knn k = p.knn("ImageNet", "JPEG", clip).orElseThrow();
        assertEquals(0.7517 - 0.6601, k.gap(), 1e-12);
        assertEquals(0.2467, p.acquisitionProbe("Make", clip).getAsDouble(), 1e-12);
        assertEquals(0.9932, p.retrieval(clip).orElseThrow().recallAt1OtherDevice(), 1e-12);
        assertEquals("CVL", p.group(clip).orElseThrow());
        assertFalse(p.processingProbe("ImageNet", "JPEG", "CLIP (ViT-B/16, wit)").isPresent(), "names are exact");
        assertEquals(4, p.fileSha256().size());
        assertTrue(p.fileSha256().values().stream().allMatch(h -> h.matches("[0-9a-f]{64}")));
    }

    @Test
    void everyStudyEncoderOfTheRegistryHasEveryFigure() throws IOException {
        PaperResults p = paper();
        PaperComparison cmp = PaperComparison.imageNet();
        List<String> missing = new ArrayList<>();
        int n = 0;
        for (RegistryEntry e : Registry.builtIn().studyEntries()) {
            n++;
            String s = e.studyName();
            for (String task : List.of("JPEG", "Sharpening", "Resizing", "Interpolation")) {
                if (cmp.probe(p, ProbeKind.PROCESSING, task, s).isEmpty() || cmp.knn(p, task, s).isEmpty()) {
                    missing.add(e.id() + " " + task);
                }
            }
            for (String task : List.of("Make", "Phone vs camera", "Model", "ISO", "Exposure time", "Aperture",
                    "Focal length")) {
                if (cmp.probe(p, ProbeKind.ACQUISITION, task, s).isEmpty()) {
                    missing.add(e.id() + " " + task);
                }
            }
            if (cmp.retrieval(p, s).isEmpty()) {
                missing.add(e.id() + " retrieval");
            }
            assertEquals(e.family().name(), p.group(s).orElseThrow(), e.id() + " family agrees with the study's group");
        }
        assertEquals(47, n);
        assertEquals(List.of(), missing);
    }

    @Test
    void malformedFilesAreNamed(@TempDir Path tmp) throws IOException {
        Path src = TestData.shared().resolve("reference/paper-results");
        for (String f : PaperResults.FILES) {
            Files.copy(src.resolve(f), tmp.resolve(f));
        }
        Files.writeString(tmp.resolve("paircams_retrieval.csv"), "group,model,recall1_negatives_other_camera,"
                + "recall1_negatives_query_camera\nCVL,\"X, Y\",0.9,abc\n");
        IOException e = assertThrows(IOException.class, () -> PaperResults.load(tmp));
        assertTrue(e.getMessage().contains("paircams_retrieval.csv line 2"), e.getMessage());
        Files.delete(tmp.resolve("knn_influence.csv"));
        e = assertThrows(IOException.class, () -> PaperResults.load(tmp));
        assertTrue(e.getMessage().contains("knn_influence.csv"), e.getMessage());
    }
}
