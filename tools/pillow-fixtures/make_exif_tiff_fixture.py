#!/usr/bin/python3
"""A plain baseline TIFF as Pillow writes it, for the exif command's format detection (issue 23).

Run with Debian's system Python (python3-pil 9.4):
    /usr/bin/python3 tools/pillow-fixtures/make_exif_tiff_fixture.py

Pillow writes little-endian TIFFs with the first IFD at offset 8 ("II*\\0" 08 00 00 00), the same
header as Sony's ARW raw files, which metadata-extractor's file-type detection reports as ARW.
The image is an 8x6 RGB gradient, uncompressed, no EXIF. Written to
core/src/test/resources/fixtures/pillow/exif/plain-baseline.tif.
"""
import os

from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "..", "core", "src", "test", "resources", "fixtures", "pillow", "exif")
os.makedirs(out, exist_ok=True)
im = Image.new("RGB", (8, 6))
im.putdata([(x * 32, y * 40, 128) for y in range(6) for x in range(8)])
path = os.path.join(out, "plain-baseline.tif")
im.save(path)
with open(path, "rb") as f:
    head = f.read(8)
print(path, os.path.getsize(path), "bytes, header", head.hex())
