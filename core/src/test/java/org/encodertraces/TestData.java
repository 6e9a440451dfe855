package org.encodertraces;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.imageio.ImageIO;
import org.encodertraces.image.RgbImage;

/** Test access to ../shared and to committed fixtures, independent of the code under test. */
public final class TestData {
    private TestData() {
    }

    /** The shared folder (TRACES_SHARED or ../shared): required, see {@link Requirements#shared()}. */
    public static Path shared() {
        return Requirements.shared();
    }

    /** A committed fixture under core/src/test/resources. */
    public static Path fixture(String relative) {
        Path p = Paths.get("core", "src", "test", "resources", "fixtures").resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing committed fixture " + p.toAbsolutePath());
        }
        return p;
    }

    /** Reads an 8-bit RGB PNG written by Pillow straight from its raster (no colour management). */
    public static RgbImage readRgbPng(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        if (img == null) {
            throw new IOException("not a PNG: " + png);
        }
        Raster r = img.getRaster();
        if (r.getNumBands() != 3 || img.getColorModel().getComponentSize(0) != 8) {
            throw new IOException("fixture " + png + " is not 8-bit RGB");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = r.getPixels(0, 0, w, h, (int[]) null);
        byte[] out = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            out[i] = (byte) px[i];
        }
        return new RgbImage(w, h, out);
    }
}
