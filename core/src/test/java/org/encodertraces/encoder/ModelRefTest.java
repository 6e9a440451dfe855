package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.image.ResampleFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every form of {@code --model} parses to what it says, and every mistake gets a message saying what to do. */
class ModelRefTest {
    private final Registry registry = Registry.builtIn();
    @TempDir
    Path tmp;

    private ModelRef parse(String text, FileModelOptions o) {
        return ModelRef.parse(text, o, registry, tmp);
    }

    private static FileModelOptions output(String tensor) {
        return new FileModelOptions(null, tensor, null, null, null, null, null, List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5));
    }

    @Test
    void registryIdsBuiltinsAndHubAddresses() {
        ModelRef.Onnx clip = (ModelRef.Onnx) parse("clip-vit-b32", FileModelOptions.NONE);
        assertEquals("Xenova/clip-vit-base-patch32", clip.hubFile().repoId());
        assertEquals("4c1807b705b1d015fb032789cc4d221b23025a6f", clip.hubFile().revision());
        assertEquals("image_embeds", clip.embedding().tensor());
        assertInstanceOf(ModelRef.Builtin.class, parse("builtin:jpeg-forensic", FileModelOptions.NONE));
        ModelRef.Onnx hf = (ModelRef.Onnx) parse("hf:org/repo@refs/pr/2/onnx/m.onnx", output("embedding"));
        assertEquals("org/repo", hf.hubFile().repoId());
        assertEquals("refs/pr/2", hf.hubFile().revision());
        assertEquals("onnx/m.onnx", hf.hubFile().path());
        assertEquals("hf:org_repo_m", hf.name());
        assertEquals("hf_org_repo_m", hf.fileName());
        ModelRef.Onnx main = (ModelRef.Onnx) parse("hf:org/repo/m.onnx", output("embedding"));
        assertEquals("main", main.hubFile().revision());
        // a checkpoint on its authors' server: the entry keeps its recipe (the fallback) and its URL, fetched by EncoderFactory
        ModelRef.Onnx recipe = (ModelRef.Onnx) parse("dinov2-reg-vitg14", FileModelOptions.NONE);
        assertTrue(recipe.recipe().checkpoint().url().endsWith("/dinov2_vitg14_reg4_pretrain.pth"), recipe.recipe().checkpoint().url());
        // over 2 GB and built in Java now (ONNX external data): its timm checkpoint on the Hub, not the recipe
        ModelRef.Onnx huge = (ModelRef.Onnx) parse("vit-in21k-h14", FileModelOptions.NONE);
        assertEquals(null, huge.recipe());
        assertEquals("timm/vit_huge_patch14_224.orig_in21k", huge.hubFile().repoId());
        // SigLIP2 ViT-L/16-256 is built in Java now: its timm checkpoint on the Hub, not the recipe
        ModelRef.Onnx siglip = (ModelRef.Onnx) parse("siglip2-vit-l16-256", FileModelOptions.NONE);
        assertEquals(null, siglip.recipe());
        assertEquals("timm/vit_large_patch16_siglip_256.v2_webli", siglip.hubFile().repoId());
        assertEquals("model.safetensors", siglip.hubFile().path());
        // a recipe entry whose published checkpoint we build: the checkpoint on the Hub runs, not the recipe
        ModelRef.Onnx built = (ModelRef.Onnx) parse("resnet50-in1k", FileModelOptions.NONE);
        assertEquals(null, built.recipe());
        assertEquals("timm/resnet50.a1_in1k", built.hubFile().repoId());
        assertEquals("model.safetensors", built.hubFile().path());
    }

    @Test
    void mistakesSayWhatToDo() throws IOException {
        String typo = assertThrows(IllegalArgumentException.class, () -> parse("dinov2-reg-vitb16", FileModelOptions.NONE)).getMessage();
        assertTrue(typo.contains("did you mean dinov2-reg-vitb14"), typo);
        String builtin = assertThrows(IllegalArgumentException.class, () -> parse("builtin:jpeg", FileModelOptions.NONE)).getMessage();
        assertTrue(builtin.contains("builtin:jpeg-forensic, builtin:lowlevel-stats"), builtin);
        Path f = Files.write(tmp.resolve("m.onnx"), new byte[] {8, 1});
        String noPre = assertThrows(IllegalArgumentException.class,
                () -> parse(f.toString(), new FileModelOptions(null, "out", null, null, null, null, null, null, null))).getMessage();
        assertTrue(noPre.contains("--mean R,G,B --std R,G,B") && noPre.contains("m.spec.json") && noPre.contains("No default normalisation"), noPre);
        String halfPre = assertThrows(IllegalArgumentException.class,
                () -> parse(f.toString(), new FileModelOptions(null, "out", null, null, null, null, null, List.of(0.5, 0.5, 0.5), null))).getMessage();
        assertTrue(halfPre.contains("both --mean and --std"), halfPre);
        String declared = assertThrows(IllegalArgumentException.class, () -> parse("clip-vit-b23=" + f, FileModelOptions.NONE)).getMessage();
        assertTrue(declared.contains("did you mean"), declared);
        assertThrows(IllegalArgumentException.class, () -> parse("hf:repo-without-org.onnx", FileModelOptions.NONE));
        assertThrows(IllegalArgumentException.class, () -> parse("hf:org/repo/weights.bin", output("x")));
        assertThrows(IllegalArgumentException.class, () -> parse(tmp.resolve("gone.onnx").toString(), output("x")));
    }

    @Test
    void aSpecBesideTheFileFillsWhatTheOptionsLeaveOpen() throws IOException {
        Path f = Files.write(tmp.resolve("export.onnx"), new byte[] {8, 1});
        Files.writeString(tmp.resolve("export.spec.json"), """
                {"format": "encoder-traces-export-spec", "preprocessing": {"resizeSize": 256, "resizeMode": "SHORTER_SIDE",
                 "filter": "BICUBIC", "antialias": true, "cropSize": 256, "scale": 0.00392156862745098, "mean": [0.5, 0.5, 0.5],
                 "std": [0.5, 0.5, 0.5], "channelOrder": "RGB", "layout": "NCHW", "maskAfterCrop": true},
                 "inputName": "pixel_values", "output": "embedding", "pooling": "NONE", "l2Normalize": false, "registryId": null}
                """);
        ModelRef.Onnx m = (ModelRef.Onnx) parse(f.toString(), FileModelOptions.NONE);
        assertEquals("export", m.name());
        assertEquals(256, m.preprocessing().cropSize());
        assertEquals("pixel_values", m.inputName());
        assertNull(m.entry());
        ModelRef.Onnx over = (ModelRef.Onnx) parse(f.toString(),
                new FileModelOptions(null, null, null, null, 224, null, ResampleFilter.BILINEAR, null, null));
        assertEquals(224, over.preprocessing().cropSize());
        assertEquals(224, over.preprocessing().resizeSize());
        assertEquals(ResampleFilter.BILINEAR, over.preprocessing().filter());
        assertEquals(List.of(0.5, 0.5, 0.5), over.preprocessing().mean(), "the spec's statistics stay");

        Files.writeString(tmp.resolve("export.spec.json"), Files.readString(tmp.resolve("export.spec.json"))
                .replace("\"registryId\": null", "\"registryId\": \"siglip-vit-b16-256\""));
        ModelRef.Onnx declared = (ModelRef.Onnx) parse(f.toString(), FileModelOptions.NONE);
        assertEquals("siglip-vit-b16-256@export", declared.name(), "a spec naming its registry id declares the file");
        assertEquals("siglip-vit-b16-256", declared.entry().id());
        assertEquals(List.of(0.5, 0.5, 0.5), declared.preprocessing().std(), "the registry's preprocessing applies");
        assertEquals(f, declared.localFile());
    }
}
