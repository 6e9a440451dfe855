package org.encodertraces.exif;

import static org.encodertraces.exif.FlickrExifLabels.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.encodertraces.SharedData;
import org.junit.jupiter.api.Test;

class FlickrExifLabelsTest {

    private static List<String> classes(String attribute) throws IOException {
        Path p = SharedData.require("data/flickrexif-splits/split_data_target_attribute=" + attribute + ".json");
        JsonNode n = new ObjectMapper().readTree(p.toFile());
        assertEquals(attribute, n.get("target_attribute").asText());
        List<String> out = new ArrayList<>();
        n.get("label_encoder_classes").forEach(c -> out.add(c.asText()));
        return out;
    }

    /** Every benchmark class, read back as the raw value it stands for, must label to itself. */
    private static void assertRoundTrip(String attribute, Function<String, String> fromClass) throws IOException {
        for (String c : classes(attribute)) {
            assertEquals(c, fromClass.apply(c), attribute + " class " + c);
        }
    }

    @Test
    void studyClassCountsAreThoseOfThePublishedSplits() throws IOException {
        for (String attribute : FlickrExifLabels.STUDY_CLASS_COUNTS.keySet()) {
            assertEquals(classes(attribute).size(), FlickrExifLabels.STUDY_CLASS_COUNTS.get(attribute), attribute);
        }
        assertEquals(10, FlickrExifLabels.STUDY_CLASS_COUNTS.size(), "every attribute of the benchmark");
    }

    @Test
    void theStudysMakeClassesAreNineManufacturersUnderTheNormalisedRule() throws IOException {
        List<String> merged = classes("Make").stream().map(MakeLabels::normalise).distinct().toList();
        assertEquals(List.of("APPLE", "CANON", "KODAK", "FUJIFILM", "NIKON", "OLYMPUS", "PANASONIC", "SONY", "SAMSUNG"), merged);
        assertEquals(FlickrExifLabels.STUDY_MAKES, merged.stream().sorted().toList());
    }

    @Test
    void everyBenchmarkClassIsReproducedByTheRules() throws IOException {
        assertRoundTrip("Aperture", c -> FlickrExifLabels.aperture(Double.parseDouble(c)));
        assertRoundTrip("Exposure", c -> {
            String[] f = c.split("/");
            return FlickrExifLabels.exposure(new Fraction(Long.parseLong(f[0]), Long.parseLong(f[1])));
        });
        assertRoundTrip("Focal Length", c -> FlickrExifLabels.focalLength(Double.parseDouble(c.replace(" mm", ""))));
        assertRoundTrip("ISO Speed", c -> FlickrExifLabels.iso(Integer.parseInt(c)));
        assertRoundTrip("Year", c -> FlickrExifLabels.year(c.substring(0, 4) + ":06:15 12:00:00"));
        assertRoundTrip("Flash", c -> FlickrExifLabels.flash(c.equals("with flash") ? 0x19 : 0x10));
        assertRoundTrip("Make", FlickrExifLabels::make);
        assertRoundTrip("Model", FlickrExifLabels::model);
        assertRoundTrip("Smartphone Model", m -> FlickrExifLabels.isSmartphone("Apple", m).equals("True") ? m : "not a phone");
        assertRoundTrip("Is Smartphone", c -> c);
        // a make as Nikon DSLRs write it must give the benchmark's class
        assertTrue(classes("Make").contains(FlickrExifLabels.make("NIKON CORPORATION")));
    }

    @Test
    void formatsLikeExiftoolAndCPrintf() {
        assertEquals("1/100", FlickrExifLabels.exposure(new Fraction(10, 1000)));
        assertEquals("1/125", FlickrExifLabels.exposure(new Fraction(8, 1000)));
        assertEquals("1/178", FlickrExifLabels.exposure(new Fraction(560852, 100000000)));
        assertEquals("1/4", FlickrExifLabels.exposure(new Fraction(1, 4)));
        assertEquals("0.4", FlickrExifLabels.exposure(new Fraction(4, 10)));
        assertEquals("0.8", FlickrExifLabels.exposure(new Fraction(10, 13)));
        assertEquals("2", FlickrExifLabels.exposure(new Fraction(2, 1)));
        assertEquals("30", FlickrExifLabels.exposure(new Fraction(300, 10)));
        assertEquals("1.3", FlickrExifLabels.exposure(new Fraction(13, 10)));
        assertEquals("2.2", FlickrExifLabels.aperture(2.200000048));
        assertEquals("11.0", FlickrExifLabels.aperture(11.0));
        assertEquals("0.95", FlickrExifLabels.aperture(0.95));
        assertEquals("4.2 mm", FlickrExifLabels.focalLength(4.25)); // C rounds the tie to even; String.format gives 4.3
        assertEquals("57.0 mm", FlickrExifLabels.focalLength(57.01900238));
        assertEquals("5.4 mm", FlickrExifLabels.focalLength(5.40625));
        assertEquals("with flash", FlickrExifLabels.flash(0x19));
        assertEquals("without flash", FlickrExifLabels.flash(0x18));
        assertEquals("without flash", FlickrExifLabels.flash(0));
        assertEquals("2019.0", FlickrExifLabels.year("2019:06:09 12:57:32"));
        assertEquals("NIKON", FlickrExifLabels.make("NIKON CORPORATION "));
        assertEquals("PENTAX", FlickrExifLabels.make("PENTAX Corporation"));
        assertEquals("OLYMPUS IMAGING CORP.", FlickrExifLabels.make("OLYMPUS IMAGING CORP."));
        assertEquals("samsung", FlickrExifLabels.make("samsung"));
        assertEquals("SAMSUNG", FlickrExifLabels.make("SAMSUNG"));
    }

    @Test
    void implausibleValuesAreUnknown() {
        assertEquals(UNKNOWN, FlickrExifLabels.aperture(0.0));
        assertEquals(UNKNOWN, FlickrExifLabels.aperture(-2.8));
        assertEquals(UNKNOWN, FlickrExifLabels.aperture(0.2001953125));
        assertEquals(UNKNOWN, FlickrExifLabels.aperture(null));
        assertEquals(UNKNOWN, FlickrExifLabels.exposure(new Fraction(-1, 100)));
        assertEquals(UNKNOWN, FlickrExifLabels.exposure(new Fraction(0, 1)));
        assertEquals(UNKNOWN, FlickrExifLabels.exposure(new Fraction(4_000_000_000L, 1)));
        assertEquals(UNKNOWN, FlickrExifLabels.focalLength(0.0));
        assertEquals(UNKNOWN, FlickrExifLabels.focalLength(Double.NaN));
        assertEquals(UNKNOWN, FlickrExifLabels.iso(0));
        assertEquals(UNKNOWN, FlickrExifLabels.iso(65535));
        assertEquals(UNKNOWN, FlickrExifLabels.iso(-100));
        assertEquals(UNKNOWN, FlickrExifLabels.flash(-1));
        assertEquals(UNKNOWN, FlickrExifLabels.year("0000:00:00 00:00:00"));
        assertEquals(UNKNOWN, FlickrExifLabels.year(":  :     :  :"));
        assertEquals(UNKNOWN, FlickrExifLabels.year("garbage"));
        assertEquals(UNKNOWN, FlickrExifLabels.year("2019:13:40 00:00:00"));
        assertEquals(UNKNOWN, FlickrExifLabels.make("   "));
        assertEquals(UNKNOWN, FlickrExifLabels.make("\u0001\u0002"));
        assertEquals(UNKNOWN, FlickrExifLabels.model("\uFFFD\uFFFDx"));
        assertEquals(UNKNOWN, FlickrExifLabels.isSmartphone(null, " "));
    }

    @Test
    void smartphoneRule() {
        assertEquals(DeviceClass.SMARTPHONE, DeviceClass.of("Apple", "iPhone XR"));
        assertEquals(DeviceClass.NOT_SMARTPHONE, DeviceClass.of("Apple", "iPad Pro"));
        assertEquals(DeviceClass.SMARTPHONE, DeviceClass.of("samsung", "SM-G930F"));
        assertEquals(DeviceClass.SMARTPHONE, DeviceClass.of("SAMSUNG", "GT-I9000"));
        assertEquals(DeviceClass.NOT_SMARTPHONE, DeviceClass.of("SAMSUNG", "NX300"));
        assertEquals(DeviceClass.NOT_SMARTPHONE, DeviceClass.of("SAMSUNG", "SM-T820"));
        assertEquals(DeviceClass.SMARTPHONE, DeviceClass.of("Google", "Pixel"));
        assertEquals(DeviceClass.SMARTPHONE, DeviceClass.of("HUAWEI", "ELE-L29"));
        assertEquals(DeviceClass.SMARTPHONE, DeviceClass.of("HMD Global", "Nokia X71"));
        assertEquals(DeviceClass.SMARTPHONE, DeviceClass.of("Sony", "G8341"));
        assertEquals(DeviceClass.NOT_SMARTPHONE, DeviceClass.of("SONY", "ILCE-7M3"));
        assertEquals(DeviceClass.NOT_SMARTPHONE, DeviceClass.of("SONY", "DSC-HX5V"));
        assertEquals(DeviceClass.NOT_SMARTPHONE, DeviceClass.of("KYOCERA", "FC-S3"));
        assertEquals(DeviceClass.NOT_SMARTPHONE, DeviceClass.of("NIKON CORPORATION", "NIKON D750"));
        assertEquals(DeviceClass.UNKNOWN, DeviceClass.of(null, null));
    }

    /**
     * Our smartphone rule against the shared TSV's {@code device_class}, a rough hand-made rule
     * (not ground truth): prints the confusion and each disagreement, and pins the count so a
     * change to either rule is noticed.
     */
    @Test
    void smartphoneRuleAgainstTheHandMadeDeviceClass() throws IOException {
        Path tsv = SharedData.require("data/exif-photos/exiftool-readings.tsv");
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        Map<String, Integer> confusion = new TreeMap<>();
        List<String> differ = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] r = line.split("\t", -1);
            String ours = FlickrExifLabels.isSmartphone(r[1], r[2]);
            String theirs = r[3].equals("smartphone") ? "True" : "False";
            confusion.merge("tsv=" + r[3] + " ours=" + ours, 1, Integer::sum);
            if (!ours.equals(theirs)) {
                differ.add(r[0] + " (" + r[1] + " / " + r[2] + "): tsv " + r[3] + ", ours " + ours);
            }
        }
        System.out.println("smartphone rule vs device_class: " + confusion + "\n  " + String.join("\n  ", differ));
        // investigated: FC-S3 is Kyocera's Finecam S3 compact camera (TSV says smartphone);
        // SM-J327T1 is a Samsung Galaxy J3 phone (TSV says camera)
        assertEquals(List.of(
                "metadata-extractor-images/Kyocera FC-S3.jpg (KYOCERA / FC-S3): tsv smartphone, ours False",
                "metadata-extractor-images/Samsung SM-J327T1.jpg (samsung / SM-J327T1): tsv camera, ours True"), differ);
    }
}
