package org.encodertraces.image;

/**
 * Chroma subsampling of a JPEG we write, with the luma sampling factors it sets (chroma
 * components are always 1x1), matching Pillow's {@code subsampling=} values 0, 1 and 2.
 */
public enum ChromaSubsampling {
    /** 4:4:4, Pillow subsampling=0. */
    S444(1, 1, "4:4:4"),
    /** 4:2:2, Pillow subsampling=1. */
    S422(2, 1, "4:2:2"),
    /** 4:2:0, Pillow subsampling=2 (its default). */
    S420(2, 2, "4:2:0");

    private final int lumaH;
    private final int lumaV;
    private final String label;

    ChromaSubsampling(int lumaH, int lumaV, String label) {
        this.lumaH = lumaH;
        this.lumaV = lumaV;
        this.label = label;
    }

    public int lumaH() {
        return lumaH;
    }

    public int lumaV() {
        return lumaV;
    }

    /** "4:4:4", "4:2:2" or "4:2:0". */
    public String label() {
        return label;
    }
}
