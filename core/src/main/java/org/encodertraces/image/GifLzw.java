package org.encodertraces.image;

/**
 * Decodes the first frame of a GIF whose LZW minimum code size is above 8 (up to 11), which
 * Pillow 9.4's decoder reads (its limit is 12-bit codes) and the JDK's reader refuses. Pixel
 * values are the codes' low 8 bits, as Pillow stores them in a mode "P" image.
 */
final class GifLzw {
    private static final int MAX_CODES = 4096;

    private GifLzw() {
    }

    static DecodedImage firstFrame(byte[] b, String name, int screenW, int screenH) throws ImageDecodeException {
        int[] global = null;
        int pos = 13;
        if ((b[10] & 0x80) != 0) {
            int n = 1 << ((b[10] & 7) + 1);
            global = palette(b, pos, n, name);
            pos += 3 * n;
        }
        int transparent = -1;
        while (true) {
            if (pos >= b.length) {
                throw new ImageDecodeException(name, "truncated GIF: no image data");
            }
            int block = b[pos] & 0xFF;
            if (block == 0x21) {
                int label = pos + 1 < b.length ? b[pos + 1] & 0xFF : 0;
                pos += 2;
                if (label == 0xF9 && pos + 5 < b.length && (b[pos + 1] & 1) != 0) {
                    transparent = b[pos + 4] & 0xFF;
                }
                pos = skipSubBlocks(b, pos);
            } else if (block == 0x2C) {
                break;
            } else {
                throw new ImageDecodeException(name, String.format("corrupt GIF: unexpected block 0x%02X at byte %d", block, pos));
            }
        }
        if (pos + 11 > b.length) {
            throw new ImageDecodeException(name, "truncated GIF image descriptor");
        }
        int left = u16(b, pos + 1);
        int top = u16(b, pos + 3);
        int fw = u16(b, pos + 5);
        int fh = u16(b, pos + 7);
        int flags = b[pos + 9] & 0xFF;
        pos += 10;
        int[] pal = global;
        if ((flags & 0x80) != 0) {
            int n = 1 << ((flags & 7) + 1);
            pal = palette(b, pos, n, name);
            pos += 3 * n;
        }
        if (pal == null) {
            pal = new int[256];
            for (int i = 0; i < 256; i++) {
                pal[i] = i * 0x010101; // Pillow's default palette is grey
            }
        }
        int minCode = b[pos++] & 0xFF;
        // gather the sub-blocks
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        while (pos < b.length && (b[pos] & 0xFF) != 0) {
            int n = b[pos] & 0xFF;
            data.write(b, pos + 1, Math.min(n, b.length - pos - 1));
            pos += 1 + n;
        }
        int[] seq = decode(data.toByteArray(), minCode, fw * fh);
        if (seq.length < fw * fh) {
            throw new ImageDecodeException(name, "image file is truncated: the GIF's first frame has " + seq.length + " of " + (fw * fh) + " pixels");
        }
        int[] idx = seq;
        if ((flags & 0x40) != 0) {
            idx = new int[fw * fh];
            int row = 0;
            int[][] passes = {{0, 8}, {4, 8}, {2, 4}, {1, 2}};
            for (int[] p : passes) {
                for (int y = p[0]; y < fh; y += p[1]) {
                    System.arraycopy(seq, row++ * fw, idx, y * fw, fw);
                }
            }
        }
        return new DecodedImage(GifDecoder.composeGif(screenW, screenH, left, top, fw, fh, idx, pal, transparent),
                "GIF", "P", "first frame, LZW code size " + minCode, 0, "ours (GIF LZW, code sizes above 8)");
    }

    private static int[] decode(byte[] d, int minCode, int want) {
        int clear = 1 << minCode;
        int eoi = clear + 1;
        int[] prefix = new int[MAX_CODES];
        int[] suffix = new int[MAX_CODES];
        int[] length = new int[MAX_CODES];
        for (int i = 0; i < clear; i++) {
            suffix[i] = i & 0xFF;
            length[i] = 1;
        }
        int size = minCode + 1;
        int next = clear + 2;
        int prev = -1;
        int[] out = new int[want];
        int n = 0;
        long bits = 0;
        int nbits = 0;
        int pos = 0;
        int[] stack = new int[MAX_CODES + 1];
        while (n < want) {
            while (nbits < size && pos < d.length) {
                bits |= (long) (d[pos++] & 0xFF) << nbits;
                nbits += 8;
            }
            if (nbits < size) {
                break;
            }
            int code = (int) (bits & ((1 << size) - 1));
            bits >>>= size;
            nbits -= size;
            if (code == clear) {
                size = minCode + 1;
                next = clear + 2;
                prev = -1;
                continue;
            }
            if (code == eoi) {
                break;
            }
            int first;
            int c = code;
            if (prev < 0) {
                if (code >= clear) {
                    break;
                }
                out[n++] = code & 0xFF;
                prev = code;
                continue;
            }
            int sp = 0;
            if (code >= next) {
                if (code > next) {
                    break; // corrupt
                }
                c = prev;
            }
            while (c >= clear) {
                stack[sp++] = suffix[c];
                c = prefix[c];
            }
            stack[sp++] = c & 0xFF;
            first = c & 0xFF;
            if (code >= next) {
                // KwKwK: the new string is prev + its own first character, which goes last
                System.arraycopy(stack, 0, stack, 1, sp);
                stack[0] = first;
                sp++;
            }
            while (sp > 0 && n < want) {
                out[n++] = stack[--sp];
            }
            if (next < MAX_CODES) {
                prefix[next] = prev;
                suffix[next] = first;
                next++;
                if (next == 1 << size && size < 12) {
                    size++;
                }
            }
            prev = code;
        }
        return n == want ? out : java.util.Arrays.copyOf(out, n);
    }

    private static int[] palette(byte[] b, int pos, int n, String name) throws ImageDecodeException {
        if (pos + 3 * n > b.length) {
            throw new ImageDecodeException(name, "truncated GIF colour table");
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = ((b[pos + 3 * i] & 0xFF) << 16) | ((b[pos + 3 * i + 1] & 0xFF) << 8) | (b[pos + 3 * i + 2] & 0xFF);
        }
        return p;
    }

    private static int skipSubBlocks(byte[] b, int pos) {
        while (pos < b.length && (b[pos] & 0xFF) != 0) {
            pos += 1 + (b[pos] & 0xFF);
        }
        return pos + 1;
    }

    private static int u16(byte[] b, int o) {
        return (b[o] & 0xFF) | ((b[o + 1] & 0xFF) << 8);
    }
}
