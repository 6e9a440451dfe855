package org.encodertraces.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.encodertraces.TestData;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset readers on small layouts and tables the tests write. */
class DatasetReadersTest {

    static byte[] jpeg(int quality, ChromaSubsampling sub, int seed) {
        byte[] px = new byte[16 * 16 * 3];
        new java.util.Random(seed).nextBytes(px);
        return JpegCodec.encode(new RgbImage(16, 16, px), quality, sub);
    }

    static Path write(Path f, byte[] b) throws IOException {
        Files.createDirectories(f.getParent());
        return Files.write(f, b);
    }

    static Map<String, Long> labels(Dataset d, String id) {
        return d.samples().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow().labels();
    }

    @Test
    void imageNetTrainAndThreeValLayouts(@TempDir Path root) throws IOException {
        byte[] j = jpeg(90, ChromaSubsampling.S420, 1);
        write(root.resolve("train/n02000000/a.JPEG"), j);
        write(root.resolve("train/n01000000/b.JPEG"), j);
        write(root.resolve("train/n01000000/c.JPEG"), j);
        Dataset train = ImageNetLayout.open(root, "train");
        assertEquals(List.of("n01000000", "n02000000"), train.labelNames().get("label"));
        assertEquals(0L, labels(train, "train/n01000000/b.JPEG").get("label"));
        assertEquals(1L, labels(train, "train/n02000000/a.JPEG").get("label"));

        write(root.resolve("val/ILSVRC2012_val_00000001.JPEG"), j);
        write(root.resolve("val/ILSVRC2012_val_00000002.JPEG"), j);
        Files.writeString(root.resolve("LOC_val_solution.csv"),
                "ImageId,PredictionString\nILSVRC2012_val_00000002,n01000000 1 2 3 4 n01000000 5 6 7 8\nILSVRC2012_val_00000001,n02000000 1 2 3 4\n");
        Dataset val = ImageNetLayout.open(root, "val");
        assertEquals(1L, labels(val, "val/ILSVRC2012_val_00000001.JPEG").get("label"));
        assertEquals(0L, labels(val, "val/ILSVRC2012_val_00000002.JPEG").get("label"));

        Files.delete(root.resolve("LOC_val_solution.csv"));
        Files.writeString(root.resolve("val.txt"), "ILSVRC2012_val_00000001.JPEG 1\nILSVRC2012_val_00000002.JPEG 0\n");
        Dataset caffe = ImageNetLayout.open(root, "val");
        assertEquals(val.samples(), caffe.samples(), "Caffe's val.txt with wnids from the train folders");

        Files.writeString(root.resolve("val.txt"), "ILSVRC2012_val_00000001.JPEG 7\n");
        IOException bad = assertThrows(IOException.class, () -> ImageNetLayout.open(root, "val"));
        assertTrue(bad.getMessage().contains("val.txt:1") && bad.getMessage().contains("0..1"), bad.getMessage());

        Path sorted = root.resolve("sorted");
        write(sorted.resolve("val/n02000000/x.JPEG"), j);
        write(sorted.resolve("val/n01000000/y.JPEG"), j);
        assertEquals(1L, labels(ImageNetLayout.open(sorted, "val"), "val/n02000000/x.JPEG").get("label"));
        assertEquals("imagenet-val", Datasets.open(sorted).kind());
    }

    @Test
    void iNaturalistAnnotationsAndListAgree(@TempDir Path root) throws IOException {
        byte[] j = jpeg(90, ChromaSubsampling.S420, 2);
        write(root.resolve("train_val2018/Plantae/2/a.jpg"), j);
        write(root.resolve("train_val2018/Aves/0/b.jpg"), j);
        Files.writeString(root.resolve("val2018.json"), """
                {"images": [{"id": 11, "file_name": "train_val2018/Plantae/2/a.jpg", "width": 16, "height": 16},
                            {"id": 12, "file_name": "train_val2018/Aves/0/b.jpg"}],
                 "annotations": [{"id": 1, "image_id": 12, "category_id": 0}, {"id": 2, "image_id": 11, "category_id": 2}],
                 "categories": [{"id": 0, "name": "Turdus"}, {"id": 1, "name": "Quercus"}, {"id": 2, "name": "Acer"}]}
                """);
        Dataset coco = INaturalist2018.openAnnotations(root.resolve("val2018.json"), root);
        assertEquals(List.of("Turdus", "Quercus", "Acer"), coco.labelNames().get("label"));
        assertEquals(2L, labels(coco, "train_val2018/Plantae/2/a.jpg").get("label"));
        assertEquals(root.resolve("train_val2018/Aves/0/b.jpg"), coco.samples().get(1).file());

        Files.writeString(root.resolve("val_list.txt"), "# path label\ntrain_val2018/Plantae/2/a.jpg 2\n\ntrain_val2018/Aves/0/b.jpg\t0\n");
        Datasets.Opened list = Datasets.open("inat-list:" + root.resolve("val_list.txt") + "?categories=" + root.resolve("val2018.json"));
        assertEquals(coco.samples(), list.dataset().samples());
        assertEquals(coco.labelNames(), list.dataset().labelNames());
        assertEquals("inat", Datasets.open(root.resolve("val2018.json")).kind());

        Files.writeString(root.resolve("test2018.json"), "{\"images\": [{\"id\": 5, \"file_name\": \"x.jpg\"}], \"annotations\": [], \"categories\": []}");
        IOException e = assertThrows(IOException.class, () -> INaturalist2018.openAnnotations(root.resolve("test2018.json"), root));
        assertTrue(e.getMessage().contains("image 5 (x.jpg) has no annotation"), e.getMessage());
        Files.writeString(root.resolve("bad.txt"), "a.jpg 1\nb.jpg bird\n");
        e = assertThrows(IOException.class, () -> INaturalist2018.openList(root.resolve("bad.txt"), root, null));
        assertTrue(e.getMessage().contains("bad.txt:2"), e.getMessage());
    }

    @Test
    void pairCamsFromPathsAndBase64(@TempDir Path root) throws IOException {
        byte[] a = jpeg(90, ChromaSubsampling.S420, 3);
        byte[] b = jpeg(80, ChromaSubsampling.S444, 4);
        write(root.resolve("img/s0_phone.jpg"), a);
        write(root.resolve("img/s0_cam.jpg"), b);
        Files.writeString(root.resolve("pairs.csv"), "path,subject,camera_model\nimg/s0_phone.jpg,0,iPhone 12\nimg/s0_cam.jpg,0,\"Canon EOS 5D, Mark II\"\n");
        Datasets.Opened o = Datasets.open(root.resolve("pairs.csv"));
        assertEquals("paircams", o.kind());
        Dataset d = o.dataset();
        assertEquals(Map.of("subject", 0L, "device", 1L, "model", 1L), labels(d, "img/s0_phone.jpg"));
        assertEquals(Map.of("subject", 0L, "device", 0L, "model", 0L), labels(d, "img/s0_cam.jpg"));
        assertEquals(List.of("camera", "phone"), d.labelNames().get("device"));

        Files.writeString(root.resolve("pairs.tsv"), "id\timage\tsubject\tcamera_model\tdevice\n"
                + "p1\t" + Base64.getEncoder().encodeToString(a) + "\tdog\tSM-G991B\tphone\n"
                + "p2\t" + Base64.getEncoder().encodeToString(b) + "\tcat\tX-T3\tcamera\n");
        Dataset t = PairCams.open(root.resolve("pairs.tsv"), root.resolve("extracted"));
        assertEquals(List.of("cat", "dog"), t.labelNames().get("subject"));
        assertEquals(Map.of("subject", 1L, "device", 1L, "model", 0L), labels(t, "p1"));
        assertEquals(root.resolve("extracted/p2.jpg"), t.samples().get(1).file());
        assertEquals(-1L, Files.mismatch(root.resolve("extracted/p2.jpg"), write(root.resolve("b.jpg"), b)));

        Files.writeString(root.resolve("bad.csv"), "path,subject,camera_model\nimg/s0_cam.jpg,0,X\nimg/s0_cam.jpg,1,Y\n");
        IOException e = assertThrows(IOException.class, () -> PairCams.open(root.resolve("bad.csv"), null));
        assertTrue(e.getMessage().contains("bad.csv:3") && e.getMessage().contains("listed twice"), e.getMessage());
    }

    @Test
    void flickrExifTableLabels(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("flickrexif.csv"), """
                Flickr ID,url,Make,ISO Speed,Flash,Note
                53968269155,https://live.staticflickr.com/1/53968269155_x.jpg,Canon,100,with flash,"a, ""quoted""
                multi-line note"
                5.1114741635e10,https://example/2.jpg,NIKON,unknown,,x
                2001.0,https://example/3.jpg,Canon,200,without flash,y
                """);
        IOException e = assertThrows(IOException.class, () -> FlickrExifTable.read(root.resolve("flickrexif.csv")));
        assertTrue(e.getMessage().contains("flickrexif.csv:4") && e.getMessage().contains("is not a number"), e.getMessage());
        Files.writeString(root.resolve("flickrexif.csv"), Files.readString(root.resolve("flickrexif.csv")).replace("5.1114741635e10", "51114741635"));
        FlickrExifTable t = FlickrExifTable.read(root.resolve("flickrexif.csv"));
        assertEquals(3, t.rows().size());
        assertEquals("a, \"quoted\"\nmulti-line note", t.rows().get(0).values().get("Note"));
        assertEquals("2001", t.rows().get(2).flickrId(), "pandas' float ids accepted");
        assertEquals(new PhotoDownloader.Job("51114741635", "https://example/2.jpg", "51114741635.jpg"), t.jobs().get(1));

        write(root.resolve("photos/53968269155.jpg"), jpeg(90, ChromaSubsampling.S420, 5));
        write(root.resolve("photos/51114741635.jpg"), jpeg(90, ChromaSubsampling.S420, 6));
        Datasets.Opened o = Datasets.open(root.resolve("flickrexif.csv"));
        assertEquals("flickrexif", o.kind());
        Dataset d = o.dataset();
        assertEquals(2, d.samples().size(), "only downloaded photos");
        assertEquals(List.of("1 of the table's 3 photos are not in " + root.resolve("photos")
                + " (not downloaded, or the download failed) and are left out"), o.notes(), "the left-out row is said");
        assertEquals(List.of("Canon", "NIKON"), d.labelNames().get("Make"));
        assertEquals(Map.of("Flickr ID", 51114741635L, "Make", 1L, "ISO Speed", -1L, "Flash", -1L), labels(d, "51114741635"));
        assertEquals(List.of("100"), d.labelNames().get("ISO Speed"));

        IOException none = assertThrows(IOException.class, () -> Datasets.open("flickrexif:" + root.resolve("flickrexif.csv")
                + "?photos=" + root.resolve("empty")));
        assertTrue(none.getMessage().contains("none of its 3 photos is in " + root.resolve("empty"))
                && none.getMessage().contains("traces datasets download-flickrexif --table"), none.getMessage());

        IOException dup = assertThrows(IOException.class, () -> FlickrExifTable.read(write(root.resolve("dup.csv"),
                "Flickr ID,url\n7,a\n8,b\n7,c\n".getBytes(StandardCharsets.UTF_8))));
        assertTrue(dup.getMessage().contains("dup.csv:4: Flickr ID 7 already at ") && dup.getMessage().endsWith("dup.csv:2"), dup.getMessage());
    }

    @Test
    void exifFolderOfRealPhotos() throws IOException {
        Path photos = TestData.shared().resolve("data/exif-photos");
        Datasets.Opened o = Datasets.open(photos);
        assertEquals("classes", o.kind(), "photos sit in source subfolders, so the folder reads as class folders by default");
        ExifDataset.Opened e = ExifDataset.open(photos);
        Dataset d = e.dataset();
        assertTrue(d.samples().size() >= 200, "200 JPEGs and 3 HEIC");
        for (String a : ExifDataset.ATTRIBUTES) {
            assertTrue(d.labelNames().containsKey(a), a);
            assertTrue(!d.labelNames().get(a).contains("unknown"), a);
        }
        assertEquals(List.of("NOT_SMARTPHONE", "SMARTPHONE"), d.labelNames().get("device_class"));
        Map<String, Long> dune = labels(d, "debian-wallpapers/Dune.jpg");
        assertEquals("CANON", d.labelNames().get("Make").get(dune.get("Make").intValue()), "one Make label per manufacturer");
        assertEquals("1/4000", d.labelNames().get("Exposure").get(dune.get("Exposure").intValue()));
        assertEquals(-1L, dune.get("Aperture"), "f-number 0 is unknown");
        assertEquals(0L, dune.get("device_class"));
        assertEquals(-1L, dune.get("Smartphone Model"));
        assertTrue(d.samples().stream().anyMatch(s -> s.labels().get("device_class") == 1L), "some phones");
        assertEquals(Datasets.open("exif:" + photos).dataset().samples(), d.samples());
        Map<String, String> make = ExifDataset.labelStrings(d, "Make");
        assertEquals("CANON", make.get("Dune"), "split ids are file stems when unique");
        // the spellings of Kodak and of Olympus are one class each; the FlickrExif labels keep them apart
        List<String> makes = d.labelNames().get("Make");
        assertTrue(makes.contains("KODAK") && makes.contains("OLYMPUS") && makes.contains("CASIO"), makes.toString());
        assertTrue(makes.stream().noneMatch(m -> m.contains("COMPANY") || m.contains("CO.") || m.contains("Kodak")), makes.toString());
        List<String> exact = ExifDataset.open(photos, org.encodertraces.exif.MakeLabels.FLICKREXIF).dataset().labelNames().get("Make");
        assertTrue(exact.contains("EASTMAN KODAK COMPANY") && exact.contains("Eastman Kodak Company") && exact.contains("Canon"),
                exact.toString());
        assertEquals(exact, Datasets.open("exif:" + photos + "?make=flickrexif").dataset().labelNames().get("Make"));
        // merged: 3 Kodaks, 2 Casios, 2 FLIRs, 2 Minoltas, 2 Olympuses, 2 Sanyos, 2 Samsungs
        assertEquals(exact.size() - 8, makes.size(), exact + " -> " + makes);
    }

    @Test
    void specErrorsSayWhatIsWrong(@TempDir Path root) throws IOException {
        IOException e = assertThrows(IOException.class, () -> Datasets.open(root.resolve("nope")));
        assertTrue(e.getMessage().endsWith("no such file or folder"), e.getMessage());
        Files.writeString(root.resolve("x.bin"), "x");
        e = assertThrows(IOException.class, () -> Datasets.open(root.resolve("x.bin")));
        assertTrue(e.getMessage().contains("use kind:path"), e.getMessage());
        write(root.resolve("m/a.jpg"), jpeg(90, ChromaSubsampling.S420, 7));
        Files.writeString(root.resolve("m/list.csv"), "path,cls\na.jpg,dog\n", StandardCharsets.UTF_8);
        assertEquals("manifest", Datasets.open(root.resolve("m/list.csv")).kind());
        assertEquals("exif", Datasets.open(root.resolve("m")).kind());
    }
}
