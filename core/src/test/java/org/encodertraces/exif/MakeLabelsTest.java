package org.encodertraces.exif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** One Make label per manufacturer: case and company forms merged, the FlickrExif labels kept on request. */
class MakeLabelsTest {
    @Test
    void spellingsOfOneManufacturerMerge() {
        String[][] cases = {
            {"EASTMAN KODAK COMPANY", "KODAK"}, {"Eastman Kodak Company", "KODAK"}, {"Kodak", "KODAK"},
            {"Hewlett-Packard", "HEWLETT-PACKARD"}, {"Hewlett-Packard Company", "HEWLETT-PACKARD"},
            {"OLYMPUS IMAGING CORP.", "OLYMPUS"}, {"OLYMPUS OPTICAL CO.,LTD", "OLYMPUS"}, {"OLYMPUS CORPORATION", "OLYMPUS"},
            {"CASIO COMPUTER CO.,LTD.", "CASIO"}, {"SANYO Electric Co.,Ltd.", "SANYO"}, {"Minolta Co., Ltd.", "MINOLTA"},
            {"MINOLTA CO.,LTD", "MINOLTA"}, {"FLIR Systems AB", "FLIR"}, {"samsung", "SAMSUNG"}, {"SAMSUNG TECHWIN", "SAMSUNG"},
            {"NIKON CORPORATION", "NIKON"}, {"Canon Inc.", "CANON"}, {"LEICA CAMERA AG", "LEICA"}, {"FUJI PHOTO FILM CO., LTD.", "FUJIFILM"},
            {"Apple", "APPLE"}, {"KONICA MINOLTA", "KONICA MINOLTA"}, {"Trust.", "TRUST"}, {"  Sony   Ericsson ", "SONY ERICSSON"},
            {"Research In Motion Limited", "RESEARCH IN MOTION"}, {"COMPANY", "COMPANY"}, {"LG Electronics", "LG"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], MakeLabels.normalise(c[0]), c[0]);
        }
    }

    @Test
    void theStudysLabelsStayAsTheyAre() {
        assertEquals("EASTMAN KODAK COMPANY", MakeLabels.FLICKREXIF.apply(FlickrExifLabels.make("EASTMAN KODAK COMPANY")));
        assertEquals("NIKON", MakeLabels.FLICKREXIF.apply(FlickrExifLabels.make("NIKON CORPORATION")));
        assertEquals(FlickrExifLabels.UNKNOWN, MakeLabels.NORMALISED.apply(FlickrExifLabels.UNKNOWN));
        assertEquals(MakeLabels.FLICKREXIF, MakeLabels.parse("flickrexif"));
        assertEquals(MakeLabels.NORMALISED, MakeLabels.parse("normalized"));
        assertThrows(IllegalArgumentException.class, () -> MakeLabels.parse("upper"));
    }
}
