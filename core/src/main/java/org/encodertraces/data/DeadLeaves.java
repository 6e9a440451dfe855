package org.encodertraces.data;

import java.util.List;
import java.util.SplittableRandom;
import org.encodertraces.image.RgbImage;

/**
 * Deterministic synthetic scenes with natural-image-like statistics: dead-leaves compositions
 * (occluding shapes with power-law sizes, so the spectrum falls off like a photograph's), in a
 * few visually distinct scene classes that differ in palette, shape and orientation, so that
 * semantic kNN on them is meaningful. Used by the offline demo and by tests.
 */
public final class DeadLeaves {
    /** A scene class: a palette of base colours, a shape, and its elongation. */
    public record SceneClass(String name, int[][] palette, Shape shape, double aspect) {
    }

    /** The shape of one leaf. */
    public enum Shape { DISK, RECTANGLE, ELLIPSE }

    /** The built-in classes. */
    public static final List<SceneClass> CLASSES = List.of(
            new SceneClass("autumn", new int[][] {{186, 74, 28}, {222, 150, 40}, {120, 40, 20}, {240, 200, 90}, {90, 60, 30}}, Shape.DISK, 1.0),
            new SceneClass("ocean", new int[][] {{20, 60, 130}, {40, 110, 170}, {180, 210, 230}, {10, 30, 70}, {90, 160, 200}}, Shape.ELLIPSE, 3.0),
            new SceneClass("forest", new int[][] {{30, 80, 30}, {70, 120, 40}, {20, 50, 25}, {110, 90, 50}, {150, 170, 80}}, Shape.RECTANGLE, 0.25),
            new SceneClass("city", new int[][] {{90, 90, 95}, {160, 160, 165}, {40, 40, 45}, {200, 190, 170}, {120, 110, 100}}, Shape.RECTANGLE, 1.0),
            new SceneClass("meadow", new int[][] {{60, 140, 50}, {230, 60, 120}, {250, 220, 40}, {240, 240, 240}, {140, 60, 180}}, Shape.DISK, 1.0));

    private DeadLeaves() {
    }

    /**
     * Renders image {@code index} of a class at the given size; the same arguments always give
     * the same pixels.
     */
    public static RgbImage render(SceneClass cls, int index, int width, int height, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + cls.name().hashCode() * 7919L + index);
        int[] owner = new int[width * height];
        java.util.Arrays.fill(owner, -1);
        byte[] out = new byte[width * height * 3];
        int remaining = width * height;
        double rMin = Math.max(1.5, Math.min(width, height) / 80.0);
        double rMax = Math.min(width, height) / 3.0;
        // leaves are drawn front to back: a pixel belongs to the first leaf that covers it
        for (int leaf = 0; leaf < 20000 && remaining > 0; leaf++) {
            // radius density proportional to r^-3 between rMin and rMax (inverse CDF)
            double u = rnd.nextDouble();
            double r = 1.0 / Math.sqrt(1.0 / (rMin * rMin) - u * (1.0 / (rMin * rMin) - 1.0 / (rMax * rMax)));
            double cx = rnd.nextDouble() * width;
            double cy = rnd.nextDouble() * height;
            int[] base = cls.palette()[rnd.nextInt(cls.palette().length)];
            int[] col = new int[3];
            double shade = 0.75 + 0.5 * rnd.nextDouble();
            for (int c = 0; c < 3; c++) {
                col[c] = clamp((int) Math.round(base[c] * shade + rnd.nextGaussian() * 12));
            }
            double ax = cls.shape() == Shape.DISK ? r : r * Math.sqrt(cls.aspect());
            double ay = cls.shape() == Shape.DISK ? r : r / Math.sqrt(cls.aspect());
            int x0 = Math.max(0, (int) Math.floor(cx - ax));
            int x1 = Math.min(width - 1, (int) Math.ceil(cx + ax));
            int y0 = Math.max(0, (int) Math.floor(cy - ay));
            int y1 = Math.min(height - 1, (int) Math.ceil(cy + ay));
            double gx = rnd.nextGaussian() * 0.6;
            double gy = rnd.nextGaussian() * 0.6;
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    int p = y * width + x;
                    if (owner[p] >= 0) {
                        continue;
                    }
                    double dx = (x + 0.5 - cx) / ax;
                    double dy = (y + 0.5 - cy) / ay;
                    boolean inside = cls.shape() == Shape.RECTANGLE ? Math.abs(dx) <= 1 && Math.abs(dy) <= 1 : dx * dx + dy * dy <= 1;
                    if (!inside) {
                        continue;
                    }
                    owner[p] = leaf;
                    remaining--;
                    // a gentle shading gradient across each leaf, like light on a surface
                    double g = 1 + (gx * dx + gy * dy) * 0.15;
                    out[3 * p] = (byte) clamp((int) Math.round(col[0] * g));
                    out[3 * p + 1] = (byte) clamp((int) Math.round(col[1] * g));
                    out[3 * p + 2] = (byte) clamp((int) Math.round(col[2] * g));
                }
            }
        }
        // fine sensor-like noise
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) clamp((out[i] & 0xFF) + (int) Math.round(rnd.nextGaussian() * 3));
        }
        return new RgbImage(width, height, out);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }
}
