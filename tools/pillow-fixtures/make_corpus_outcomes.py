#!/usr/bin/python3
"""Pillow's outcome on every file of its own test corpus: the reference for CorpusParityTest.

Run with Debian's system Python (python3-pil 9.4):
    /usr/bin/python3 tools/pillow-fixtures/make_corpus_outcomes.py

For each file under ../shared/data/pillow-test-images (or $TRACES_SHARED/data/pillow-test-images)
it runs, in a forked child with a time limit (some files are crash or hang reproducers),

    im = Image.open(path); mode, size = im.mode, im.size; rgb = im.convert("RGB")

with Pillow's defaults (LOAD_TRUNCATED_IMAGES False, MAX_IMAGE_PIXELS 89,478,485, so files above
twice that are refused as decompression bombs), and records one TSV row per file:

    path  format  mode  size  rgb_sha256  error

path is relative to the corpus; mode is the mode the file opens as; size that of the RGB image; format is Pillow's im.format ("-" when open failed); rgb_sha256
is the sha256 of rgb.tobytes() (8-bit R, G, B interleaved, row-major); error is
"ExceptionClass: message" (tabs and newlines replaced by spaces), "-" when it decoded.
Written to core/src/test/resources/fixtures/pillow/corpus/outcomes.tsv, sorted by path.
"""
import hashlib
import multiprocessing
import os
import sys
import warnings

import PIL
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("TRACES_SHARED", os.path.join(ROOT, "..", "shared"))
CORPUS = os.path.join(SHARED, "data", "pillow-test-images")
OUT = os.path.join(ROOT, "core", "src", "test", "resources", "fixtures", "pillow", "corpus", "outcomes.tsv")
TIME_LIMIT_S = 60


def clean(s):
    return " ".join(str(s).split())


def outcome(path):
    """Pillow's result for one file as the TSV fields after the path."""
    warnings.simplefilter("ignore")
    fmt = "-"
    try:
        im = Image.open(path)
        fmt = im.format or "-"
        mode = im.mode
        rgb = im.convert("RGB")
        size = "%dx%d" % rgb.size  # after loading: Pillow turns TIFF pages upright, which can swap the sides
        return [fmt, mode, size, hashlib.sha256(rgb.tobytes()).hexdigest(), "-"]
    except Exception as e:  # noqa: BLE001 - every failure is an outcome to record
        return [fmt, "-", "-", "-", clean("%s: %s" % (type(e).__name__, e))]


def child(path, conn):
    conn.send(outcome(path))
    conn.close()


def main():
    os.chdir(CORPUS)  # relative paths: error messages that quote the file name carry no machine path
    files = sorted(os.path.relpath(os.path.join(d, f), CORPUS)
                   for d, _, fs in os.walk(CORPUS) for f in fs)
    if not files:
        sys.exit("no corpus at " + CORPUS)
    ctx = multiprocessing.get_context("fork")
    rows = []
    for rel in files:
        parent, conn = ctx.Pipe(duplex=False)
        p = ctx.Process(target=child, args=(rel, conn))
        p.start()
        conn.close()
        if parent.poll(TIME_LIMIT_S):
            try:
                fields = parent.recv()
            except EOFError:
                fields = None
        else:
            fields = ["-", "-", "-", "-", "Timeout: no result within %d s" % TIME_LIMIT_S]
            p.kill()
        p.join()
        if fields is None:
            fields = ["-", "-", "-", "-", "Crash: Pillow's process died with exit code %s" % p.exitcode]
        rows.append([rel] + fields)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# Pillow %s outcome of Image.open(f).convert('RGB') on %d files of %s\n"
                % (PIL.__version__, len(rows), "data/pillow-test-images"))
        f.write("path\tformat\tmode\tsize\trgb_sha256\terror\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    ok = sum(1 for r in rows if r[5] == "-")
    print("wrote %s: %d files, %d decoded, %d refused" % (OUT, len(rows), ok, len(rows) - ok))


if __name__ == "__main__":
    main()
