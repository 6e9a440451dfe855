#!/usr/bin/python3
"""Golden fixtures for the decoder: what Pillow's Image.open(f).convert("RGB") yields.

Run with Debian's system Python (python3-pil 9.4): /usr/bin/python3 tools/pillow-fixtures/make_decode_fixtures.py

It crops a small natural image from ../shared/data/flowers17 (or $TRACES_SHARED), saves it in
many formats and modes with Pillow, and writes for each file the RGB raster Pillow decodes as a
PNG. For a few real photos of ../shared/data/exif-photos it records only the sha256 of Pillow's
RGB bytes (the photos themselves stay in shared/). Outputs go to
core/src/test/resources/fixtures/pillow/decode/.
"""
import hashlib
import json
import os
import sys

import numpy as np
import PIL
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("TRACES_SHARED", os.path.join(ROOT, "..", "shared"))
OUT = os.path.join(ROOT, "core", "src", "test", "resources", "fixtures", "pillow", "decode")
INPUTS = os.path.join(OUT, "inputs")
EXPECTED = os.path.join(OUT, "expected")

REAL_PHOTOS = [
    "data/exif-photos/exif-samples-ianare/Canon_PowerShot_S40.jpg",
    "data/exif-photos/exif-samples-ianare/DSCN0010.jpg",
    "data/exif-photos/exif-samples-ianare/jolla.jpg",
    "data/exif-photos/immich-test-assets/prairie_falcon.jpg",
    "data/exif-photos/metadata-extractor-images/Apple iPhone 4.jpg",
    "data/exif-photos/debian-wallpapers/Storm.jpg",
    "data/flowers17/bluebell/image_0241.jpg",
]


def source_crop():
    path = os.path.join(SHARED, "data", "flowers17", "sunflower", "image_0721.jpg")
    if not os.path.exists(path):
        cls = sorted(os.listdir(os.path.join(SHARED, "data", "flowers17")))[0]
        d = os.path.join(SHARED, "data", "flowers17", cls)
        path = os.path.join(d, sorted(os.listdir(d))[0])
    im = Image.open(path).convert("RGB")
    # odd size: partial JPEG MCUs and odd chroma widths
    return im.crop((101, 77, 101 + 67, 77 + 53)), os.path.relpath(path, SHARED)


def main():
    os.makedirs(INPUTS, exist_ok=True)
    os.makedirs(EXPECTED, exist_ok=True)
    rgb, src = source_crop()
    cases = []

    def add(name, make, note):
        path = os.path.join(INPUTS, name)
        make(path)
        opened = Image.open(path)
        mode = opened.mode
        out = _plain(opened.convert("RGB"))
        exp_name = name.rsplit(".", 1)[0] + "__" + name.rsplit(".", 1)[1] + ".png"
        out.save(os.path.join(EXPECTED, exp_name))
        cases.append({"input": name, "expected": exp_name, "pillow_mode": mode,
                      "size": list(out.size), "note": note})

    gray = rgb.convert("L")
    arr = np.asarray(rgb).astype(np.uint16)
    rgb16 = (arr * 257 + np.arange(arr.size, dtype=np.uint16).reshape(arr.shape) % 200)
    # JPEG variants
    add("baseline_420.jpg", lambda p: rgb.save(p, quality=90, subsampling=2), "baseline 4:2:0")
    add("baseline_422.jpg", lambda p: rgb.save(p, quality=90, subsampling=1), "baseline 4:2:2")
    add("baseline_444.jpg", lambda p: rgb.save(p, quality=90, subsampling=0), "baseline 4:4:4")
    add("progressive_420.jpg", lambda p: rgb.save(p, quality=80, subsampling=2, progressive=True), "progressive 4:2:0")
    add("progressive_444.jpg", lambda p: rgb.save(p, quality=95, subsampling=0, progressive=True), "progressive 4:4:4")
    add("optimized_420.jpg", lambda p: rgb.save(p, quality=70, optimize=True), "optimized Huffman tables")
    add("gray.jpg", lambda p: gray.save(p, quality=90), "grayscale JPEG")
    add("cmyk.jpg", lambda p: rgb.convert("CMYK").save(p, quality=90), "Adobe CMYK JPEG (Pillow writes inverted CMYK)")
    add("rotated_exif.jpg", lambda p: rgb.save(p, quality=90, exif=_exif_orientation(6)), "EXIF orientation 6: not rotated on open")
    # PNG variants
    add("rgb8.png", lambda p: rgb.save(p), "PNG RGB 8-bit")
    rgba = rgb.copy()
    rgba.putalpha(Image.linear_gradient("L").resize(rgb.size))
    add("rgba8.png", lambda p: rgba.save(p), "PNG RGBA: alpha dropped, not composited")
    add("gray8.png", lambda p: gray.save(p), "PNG gray 8-bit")
    la = Image.merge("LA", (gray, Image.linear_gradient("L").resize(rgb.size)))
    add("gray_alpha8.png", lambda p: la.save(p), "PNG gray+alpha 8-bit")
    pal = rgb.convert("P", palette=Image.ADAPTIVE, colors=200)
    add("palette.png", lambda p: pal.save(p), "PNG palette")
    pal_t = pal.copy()
    pal_t.info["transparency"] = 3
    add("palette_trns.png", lambda p: pal_t.save(p, transparency=3), "PNG palette with tRNS")
    pal16 = rgb.convert("P", palette=Image.ADAPTIVE, colors=16)
    add("palette_4bit.png", lambda p: pal16.save(p, bits=4), "PNG 4-bit palette")
    add("bilevel.png", lambda p: gray.convert("1").save(p), "PNG 1-bit")
    g16 = Image.fromarray((np.asarray(gray).astype(np.uint16) * 257).astype(np.uint16), mode="I;16")
    add("gray16.png", lambda p: g16.save(p), "PNG gray 16-bit")
    add("gray16_low.png", lambda p: Image.fromarray(np.asarray(gray).astype(np.uint16) + 7, mode="I;16").save(p),
        "PNG gray 16-bit with values below 256")
    _write_png16(os.path.join(INPUTS, "rgb16.png"), rgb16, alpha=None)
    _register_existing(cases, "rgb16.png", "PNG RGB 16-bit (written by numpy/zlib)")
    _write_png16(os.path.join(INPUTS, "rgba16.png"), rgb16, alpha=(arr[..., 0] * 200).astype(np.uint16))
    _register_existing(cases, "rgba16.png", "PNG RGBA 16-bit (written by numpy/zlib)")
    # BMP / GIF / TIFF / WebP
    add("rgb24.bmp", lambda p: rgb.save(p), "BMP 24-bit")
    add("palette8.bmp", lambda p: pal.save(p), "BMP 8-bit palette")
    add("bilevel.bmp", lambda p: gray.convert("1").save(p), "BMP 1-bit")
    add("palette.gif", lambda p: pal.save(p), "GIF")
    frames = [pal, rgb.transpose(Image.FLIP_LEFT_RIGHT).convert("P", palette=Image.ADAPTIVE, colors=64)]
    add("animated.gif", lambda p: frames[0].save(p, save_all=True, append_images=frames[1:]), "animated GIF: first frame")
    add("rgb.tif", lambda p: rgb.save(p), "TIFF RGB uncompressed")
    add("rgb_lzw.tif", lambda p: rgb.save(p, compression="tiff_lzw"), "TIFF RGB LZW")
    add("gray.tif", lambda p: gray.save(p), "TIFF gray")
    add("cmyk.tif", lambda p: rgb.convert("CMYK").save(p), "TIFF CMYK")
    add("lossless.webp", lambda p: rgb.save(p, lossless=True), "WebP lossless")
    add("lossy.webp", lambda p: rgb.save(p, quality=90), "WebP lossy")

    real = []
    for rel in REAL_PHOTOS:
        path = os.path.join(SHARED, rel)
        im = Image.open(path)
        mode = im.mode
        out = im.convert("RGB")
        real.append({"path": rel, "pillow_mode": mode, "size": list(out.size),
                     "rgb_sha256": hashlib.sha256(out.tobytes()).hexdigest(),
                     "channel_sums": [int(x) for x in np.asarray(out).reshape(-1, 3).astype(np.int64).sum(0)]})

    manifest = {"pillow_version": PIL.__version__, "numpy_version": np.__version__,
                "python": sys.version.split()[0], "source_crop": src, "cases": cases, "real_photos": real}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote", len(cases), "cases and", len(real), "real-photo hashes to", OUT)


def _plain(im):
    """The same pixels without info (e.g. a transparency key) that would add chunks to the PNG."""
    return Image.frombytes("RGB", im.size, im.tobytes())


def _exif_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def _register_existing(cases, name, note):
    path = os.path.join(INPUTS, name)
    opened = Image.open(path)
    mode = opened.mode
    exp_name = name.rsplit(".", 1)[0] + "__png.png"
    _plain(opened.convert("RGB")).save(os.path.join(EXPECTED, exp_name))
    cases.append({"input": name, "expected": exp_name, "pillow_mode": mode, "size": list(opened.size), "note": note})


def _write_png16(path, rgb16, alpha):
    """Writes a 16-bit RGB(A) PNG with zlib, as Pillow cannot save those modes."""
    import struct
    import zlib
    h, w, _ = rgb16.shape
    planes = [rgb16[..., 0], rgb16[..., 1], rgb16[..., 2]] + ([alpha] if alpha is not None else [])
    data = np.stack(planes, axis=-1).astype(">u2")
    raw = b"".join(b"\x00" + data[y].tobytes() for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    color_type = 6 if alpha is not None else 2
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


if __name__ == "__main__":
    main()
