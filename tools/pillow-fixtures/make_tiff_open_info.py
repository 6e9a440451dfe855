#!/usr/bin/python3
"""Pillow 9.4's table of the TIFF sample layouts it opens (TiffImagePlugin.OPEN_INFO), for TiffRules.

Run with Debian's system Python: /usr/bin/python3 tools/pillow-fixtures/make_tiff_open_info.py
Writes core/src/main/resources/org/encodertraces/image/pillow-tiff-open-info.tsv: one row per
(byte order, photometric, sample formats, fill order, bits per sample, extra samples) key with
the Pillow mode and raw mode it opens as. A TIFF whose key is not listed is one Pillow refuses
("unknown pixel mode"). Table from Pillow (HPND licence).
"""
import os

import PIL
from PIL import TiffImagePlugin

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "core", "src", "main", "resources", "org", "encodertraces", "image", "pillow-tiff-open-info.tsv")


def tup(t):
    return ",".join(str(v) for v in t) if t else "-"


rows = []
for (prefix, photo, fmt, fill, bps, extra), (mode, raw) in TiffImagePlugin.OPEN_INFO.items():
    rows.append("\t".join([prefix.decode(), str(photo), tup(fmt), str(fill), tup(bps), tup(extra), mode, raw]))
with open(OUT, "w", encoding="utf-8") as f:
    f.write("# TiffImagePlugin.OPEN_INFO of Pillow %s (HPND licence), by tools/pillow-fixtures/make_tiff_open_info.py\n" % PIL.__version__)
    f.write("prefix\tphotometric\tsample_format\tfill_order\tbits_per_sample\textra_samples\tmode\trawmode\n")
    f.write("\n".join(sorted(rows)) + "\n")
print("wrote %s: %d layouts" % (OUT, len(rows)))
