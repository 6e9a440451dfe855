package org.encodertraces.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.RgbImage;
import org.encodertraces.process.ProcessingOp;

/**
 * The demo's built-in dataset, generated deterministically: dead-leaves scenes in the five
 * classes of {@link DeadLeaves}, each scene "photographed" twice, by a simulated camera (the
 * full scene, JPEG quality 95, 4:4:4) and a simulated phone (a slightly shifted view, sharpened,
 * JPEG quality 85, 4:2:0), so the audit has semantic classes, subjects and device classes to
 * work with. Written as JPEG files plus {@code demo-scenes.csv} (path, label, subject, device).
 */
public final class DemoData {
    /** Device names in label order. */
    public static final List<String> DEVICES = List.of("camera", "phone");

    private DemoData() {
    }

    /** Writes (or keeps, when already there) the dataset; returns the manifest path. */
    public static Path generate(Path dir, int scenesPerClass, int width, int height, long seed) throws IOException {
        Path manifest = dir.resolve("demo-scenes.csv");
        StringBuilder csv = new StringBuilder("path,label,subject,device\n");
        List<String[]> rows = new ArrayList<>();
        int subject = 0;
        ProcessingOp phoneLook = ProcessingOp.parse("SHARPEN_2");
        for (DeadLeaves.SceneClass c : DeadLeaves.CLASSES) {
            for (int i = 0; i < scenesPerClass; i++) {
                RgbImage scene = DeadLeaves.render(c, i, width + 16, height + 12, seed);
                RgbImage camera = scene.crop(8, 6, width, height);
                RgbImage phone = phoneLook.apply(scene.crop(2 + i % 12, 1 + i % 10, width, height), "phone-" + subject, seed).image();
                String cam = c.name() + "/" + c.name() + "_" + i + "_camera.jpg";
                String ph = c.name() + "/" + c.name() + "_" + i + "_phone.jpg";
                write(dir.resolve(cam), JpegCodec.encode(camera, 95, ChromaSubsampling.S444));
                write(dir.resolve(ph), JpegCodec.encode(phone, 85, ChromaSubsampling.S420));
                rows.add(new String[] {cam, c.name(), Integer.toString(subject), "0"});
                rows.add(new String[] {ph, c.name(), Integer.toString(subject), "1"});
                subject++;
            }
        }
        for (String[] r : rows) {
            csv.append(String.join(",", r)).append('\n');
        }
        Files.createDirectories(dir);
        Files.writeString(manifest, csv);
        return manifest;
    }

    private static void write(Path f, byte[] bytes) throws IOException {
        Files.createDirectories(f.getParent());
        if (!Files.exists(f) || Files.size(f) != bytes.length) {
            Files.write(f, bytes);
        }
    }
}
