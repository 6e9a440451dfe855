package org.encodertraces.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.data.DeadLeaves;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.RgbImage;

/**
 * Generated camera photos whose EXIF says who made them while their pixels do not: real JPEGs
 * (dead-leaves scenes, one encoder setting for all) with an EXIF APP1 segment holding Make and
 * Model. The planted near-duplicate case: each "camera" shoots bursts of near-identical frames
 * (the same scene moved by at most a pixel), so a split that puts one frame of a burst in test and
 * its siblings in training lets a probe recognise the scene, not the camera.
 */
final class PlantedPhotos {
    private PlantedPhotos() {
    }

    /**
     * Writes {@code makes.size()} x {@code bursts} x {@code shots} photos into {@code dir}: every burst
     * is a new scene of one and the same kind (so nothing but the burst itself ties a scene to a make),
     * shot k moves it by (k mod 2, k / 2 mod 2) pixels. File {@code m<m>_b<b>_<k>.jpg}, EXIF Make as given.
     *
     * @return make per file name
     */
    static Map<String, String> bursts(Path dir, List<String> makes, int bursts, int shots, int width, int height) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> out = new LinkedHashMap<>();
        for (int m = 0; m < makes.size(); m++) {
            for (int b = 0; b < bursts; b++) {
                DeadLeaves.SceneClass cls = DeadLeaves.CLASSES.get(0);
                RgbImage scene = DeadLeaves.render(cls, 100 * m + b, width + 2, height + 2, 11);
                for (int k = 0; k < shots; k++) {
                    RgbImage shot = scene.crop(k % 2, (k / 2) % 2, width, height);
                    String name = "m" + m + "_b" + b + "_" + k + ".jpg";
                    Files.write(dir.resolve(name), withExif(JpegCodec.encode(shot, 90, ChromaSubsampling.S420), makes.get(m),
                            "Planted " + m));
                    out.put(name, makes.get(m));
                }
            }
        }
        return out;
    }

    /** Photos that are all different scenes (no near-duplicates; the scenes depend on the folder's path), {@code perMake} per make, EXIF Make as given. */
    static void distinct(Path dir, List<String> makes, int perMake, int width, int height) throws IOException {
        Files.createDirectories(dir);
        for (int m = 0; m < makes.size(); m++) {
            for (int i = 0; i < perMake; i++) {
                DeadLeaves.SceneClass cls = DeadLeaves.CLASSES.get((m + i) % DeadLeaves.CLASSES.size());
                RgbImage scene = DeadLeaves.render(cls, 1000 * m + i, width, height, dir.toAbsolutePath().toString().hashCode());
                Files.write(dir.resolve("d" + m + "_" + i + ".jpg"), withExif(JpegCodec.encode(scene, 90, ChromaSubsampling.S420),
                        makes.get(m), "Distinct " + m));
            }
        }
    }

    /** The JPEG with an APP1 "Exif" segment (little-endian TIFF, IFD0 with Make and Model) right after SOI. */
    static byte[] withExif(byte[] jpeg, String make, String model) {
        byte[] tiff = tiff(List.of(new Object[] {0x010F, make}, new Object[] {0x0110, model}));
        ByteArrayOutputStream app1 = new ByteArrayOutputStream();
        byte[] head = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
        int len = 2 + head.length + tiff.length;
        app1.write(0xFF);
        app1.write(0xE1);
        app1.write(len >> 8);
        app1.write(len & 0xFF);
        app1.writeBytes(head);
        app1.writeBytes(tiff);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(app1.toByteArray());
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A little-endian TIFF with one IFD of ASCII entries (tag, value), values after the IFD. */
    private static byte[] tiff(List<Object[]> entries) {
        int ifd = 8;
        int dataStart = ifd + 2 + 12 * entries.size() + 4;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<byte[]> dir = new ArrayList<>();
        for (Object[] e : entries) {
            byte[] v = (e[1] + "\0").getBytes(StandardCharsets.ISO_8859_1);
            byte[] ent = new byte[12];
            le16(ent, 0, (Integer) e[0]);
            le16(ent, 2, 2); // ASCII
            le32(ent, 4, v.length);
            if (v.length <= 4) {
                System.arraycopy(v, 0, ent, 8, v.length);
            } else {
                le32(ent, 8, dataStart + data.size());
                data.writeBytes(v);
                if (data.size() % 2 == 1) {
                    data.write(0);
                }
            }
            dir.add(ent);
        }
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        t.writeBytes(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0});
        t.write(entries.size() & 0xFF);
        t.write(entries.size() >> 8);
        dir.forEach(t::writeBytes);
        t.writeBytes(new byte[4]);
        t.writeBytes(data.toByteArray());
        return t.toByteArray();
    }

    private static void le16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
    }

    private static void le32(byte[] b, int at, int v) {
        le16(b, at, v);
        le16(b, at + 2, v >> 16);
    }
}
