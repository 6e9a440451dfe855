#!/usr/bin/python3
"""Reference sequences of numpy's SeedSequence/PCG64/Generator and CPython's random, for the
bit-exact tests of org.encodertraces.rng. Run with Debian's /usr/bin/python3 (numpy 1.24.2,
Python 3.11) from the repository root:

    /usr/bin/python3 tools/rng-fixtures/make_rng_fixtures.py

Writes core/src/test/resources/fixtures/rng/{numpy,python}_rng.json. Unsigned 64-bit and larger
integers are written as decimal strings so no JSON reader rounds them.
"""
import json
import platform
import random
import sys

import numpy as np

OUT = "core/src/test/resources/fixtures/rng"
SEEDS = [0, 1, 2, 3, 7, 9, 22, 42, 12345, 2**31 - 1, 2**32 - 1, 2**32, 2**63 - 1, 2**64 + 5, 2**100 + 7]
BOUNDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 255, 256, 257, 1000, 2**16, 2**16 + 1,
          2**31 - 1, 2**31, 2**31 + 1, 2**32 - 1, 2**32, 2**32 + 1, 2**33, 2**40 + 3, 2**62, 2**62 + 1,
          2**63 - 1]


def numpy_cases():
    doc = {"numpy": np.__version__, "python": sys.version.split()[0], "machine": platform.machine()}
    doc["seed_sequence"] = [
        {"seed": str(s), "state32": [int(v) for v in np.random.SeedSequence(s).generate_state(8, np.uint32)]}
        for s in SEEDS]
    pcg = []
    for s in SEEDS:
        bg = np.random.PCG64(s)
        st = bg.state["state"]
        raw = [str(int(v)) for v in bg.random_raw(12)]
        pcg.append({"seed": str(s), "state": str(st["state"]), "inc": str(st["inc"]), "raw": raw})
    doc["pcg64"] = pcg
    adv = []
    for s in [0, 22, 12345]:
        for delta in [0, 1, 2, 10, 1000, 2**64 + 3, 2**127, 2**128 - 1]:
            bg = np.random.PCG64(s)
            bg.random_raw(3)
            bg.advance(delta)
            adv.append({"seed": str(s), "before": 3, "delta": str(delta), "raw": [str(int(v)) for v in bg.random_raw(5)]})
    doc["advance"] = adv
    jumps = []
    for s in [0, 22]:
        for j in [1, 2, 5]:
            bg = np.random.PCG64(s).jumped(j)
            jumps.append({"seed": str(s), "jumps": j, "raw": [str(int(v)) for v in bg.random_raw(5)]})
    doc["jumped"] = jumps
    ints = []
    for s in [0, 1, 22, 42, 12345]:
        for b in BOUNDS:
            for size in [1, 7, 64]:
                rng = np.random.default_rng(s)
                v = rng.integers(0, b, size=size)
                ints.append({"seed": str(s), "low": "0", "high": str(b), "size": size, "dtype": "int64",
                             "values": [str(int(x)) for x in v]})
    for s in [0, 22]:
        for (lo, hi) in [(-5, 5), (-2**40, 2**40), (10, 11), (3, 2**32 + 3), (-2**62, 2**62)]:
            rng = np.random.default_rng(s)
            v = rng.integers(lo, hi, size=20)
            ints.append({"seed": str(s), "low": str(lo), "high": str(hi), "size": 20, "dtype": "int64",
                         "values": [str(int(x)) for x in v]})
        for b in [1, 2, 3, 6, 100, 2**16 + 1, 2**31 - 1]:
            rng = np.random.default_rng(s)
            v = rng.integers(0, b, size=20, dtype=np.int32)
            ints.append({"seed": str(s), "low": "0", "high": str(b), "size": 20, "dtype": "int32",
                         "values": [str(int(x)) for x in v]})
    doc["integers"] = ints
    # one generator, mixed calls: the 32-bit half-word buffer of PCG64 carries across calls
    mixed = []
    for s in [0, 5, 22]:
        rng = np.random.default_rng(s)
        calls = []
        for (hi, size) in [(6, 3), (2**40, 2), (6, 1), (2**32, 3), (3, 5), (2**63 - 1, 1), (7, 4)]:
            calls.append({"high": str(hi), "size": size, "values": [str(int(x)) for x in rng.integers(0, hi, size=size)]})
        calls.append({"random": [float(x).hex() for x in rng.random(3)]})
        calls.append({"high": "6", "size": 3, "values": [str(int(x)) for x in rng.integers(0, 6, size=3)]})
        mixed.append({"seed": str(s), "calls": calls})
    doc["mixed"] = mixed
    choice = []
    for s in list(range(10)) + [22, 42]:
        for a in [2, 3, 4, 5, 6]:
            for n in [1, 10, 257]:
                v = np.random.default_rng(s).choice(a, n, replace=True)
                choice.append({"seed": s, "a": a, "n": n, "values": [int(x) for x in v]})
    doc["choice"] = choice
    doc["random"] = [{"seed": s, "values": [float(x).hex() for x in np.random.default_rng(s).random(10)]} for s in [0, 1, 22]]
    return doc


def python_cases():
    doc = {"python": sys.version.split()[0]}
    seeds = [0, 1, 2, 22, 42, 12345, 2**31 - 1, 2**32 - 1, 2**32, 2**64 + 1, 2**200 + 3, -7]
    bits = []
    for s in seeds:
        random.seed(s)
        first = [random.getrandbits(32) for _ in range(8)]
        mixed = []
        for k in [0, 1, 5, 31, 32, 33, 63, 64, 65, 100]:
            mixed.append({"k": k, "value": str(random.getrandbits(k))})
        bits.append({"seed": str(s), "first32": first, "mixed": mixed})
    doc["getrandbits"] = bits
    below = []
    for s in [0, 22, 42]:
        random.seed(s)
        vals = []
        for n in [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 1000, 2**31, 2**31 + 1, 2**32, 2**32 + 1, 2**40 + 1, 2**62 + 1]:
            vals.append({"n": str(n), "values": [str(random.randrange(n)) for _ in range(6)]})
        below.append({"seed": s, "calls": vals})
    doc["randbelow"] = below
    shuf = []
    for s in [0, 1, 22, 42, 99]:
        random.seed(s)
        lists = []
        for n in [0, 1, 2, 3, 10, 24, 100, 1001]:
            x = list(range(n))
            random.shuffle(x)
            lists.append({"n": n, "values": x})
        shuf.append({"seed": s, "shuffles": lists})
    doc["shuffle"] = shuf
    return doc


if __name__ == "__main__":
    with open(f"{OUT}/numpy_rng.json", "w") as f:
        json.dump(numpy_cases(), f, separators=(",", ":"))
    with open(f"{OUT}/python_random.json", "w") as f:
        json.dump(python_cases(), f, separators=(",", ":"))
    print("wrote", OUT)
