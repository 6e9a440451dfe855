#!/usr/bin/python3
"""Reads an encoder-traces embedding set with numpy only (no safetensors package needed).

Usage: read_embeddings.py SET.safetensors [--digest]
Prints the tensors' names, dtypes and shapes, the first sample ids from the JSON sidecar, and
the first row of image_embeddings, so values can be compared with what Java wrote.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
          "U8": "u1", "BOOL": "?"}


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[base + begin:base + end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return tensors, header.get("__metadata__", {})


if __name__ == "__main__":
    path = sys.argv[1]
    tensors, meta = read(path)
    if "--digest" in sys.argv:
        # one line per tensor: name, shape and sha256 of its little-endian values, for comparison with Java
        import hashlib
        for name in sorted(tensors):
            t = tensors[name]
            print(name, "x".join(str(d) for d in t.shape), hashlib.sha256(t.astype(t.dtype.newbyteorder("<")).tobytes()).hexdigest())
        sys.exit(0)
    side = json.load(open(path[: -len(".safetensors")] + ".json"))
    for name, t in tensors.items():
        print(name, t.dtype, t.shape)
    print("ids", side["ids"][:3], "rows", side["rows"])
    emb = tensors["image_embeddings"]
    print("row0", " ".join("%.9g" % v for v in emb[0, :8]))
    print("sum", repr(float(emb.astype(np.float64).sum())))
