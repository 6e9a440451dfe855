#!/usr/bin/python3
"""kNN top-k benchmark, PyTorch CPU side (the reference): normalize, matmul, topk.

  /usr/bin/python3 tools/reference/bench_knn.py --generate DIR [--queries 10000 --database 100000 --dims 512]
      writes DIR/queries.f32 and DIR/database.f32 (raw little-endian float32, row-major, seed 1234)
  /usr/bin/python3 tools/reference/bench_knn.py --run DIR [--threads 2 --k 10 --block 2048]
      times torch on them and writes DIR/torch_topk.npy (indices) for agreement checks; first
      measures the machine's fp32 GEMM peak as torch's best of 5 4096^3 matmuls on the same
      threads (--peak-size 0 skips it) and writes it to DIR/gemm_peak.json, which bench-knn reads

The Java side is `traces bench-knn DIR` on the same files (see BENCHMARKS.md).
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--generate")
    ap.add_argument("--run")
    ap.add_argument("--queries", type=int, default=10000)
    ap.add_argument("--database", type=int, default=100000)
    ap.add_argument("--dims", type=int, default=512)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--block", type=int, default=2048, help="queries per matmul block (a full 10k x 100k matrix is 4 GB)")
    ap.add_argument("--peak-size", type=int, default=4096, help="n of the n^3 matmul that measures the GEMM peak (0: skip)")
    a = ap.parse_args()
    if a.generate:
        d = Path(a.generate)
        d.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(1234)
        for name, n in [("queries", a.queries), ("database", a.database)]:
            rng.standard_normal((n, a.dims), dtype=np.float32).tofile(d / f"{name}.f32")
        (d / "shape.json").write_text(json.dumps({"queries": a.queries, "database": a.database, "dims": a.dims}))
        return
    d = Path(a.run)
    shape = json.loads((d / "shape.json").read_text())
    torch.set_num_threads(a.threads)
    peak = per_cpu = None
    if a.peak_size > 0:
        g = torch.Generator().manual_seed(1)
        m1 = torch.randn(a.peak_size, a.peak_size, generator=g)
        m2 = torch.randn(a.peak_size, a.peak_size, generator=g)
        best = float("inf")
        for _ in range(5):
            ta = time.perf_counter()
            torch.mm(m1, m2)
            best = min(best, time.perf_counter() - ta)
        peak = round(2.0 * a.peak_size ** 3 / best / 1e9, 1)
        # the same on one thread, by CPU time: the peak per busy core, which other processes'
        # load hardly moves (wall time on a shared machine measures the others too)
        torch.set_num_threads(1)
        best_cpu = float("inf")
        for _ in range(3):
            ca = time.process_time()
            torch.mm(m1, m2)
            best_cpu = min(best_cpu, time.process_time() - ca)
        torch.set_num_threads(a.threads)
        per_cpu = round(2.0 * a.peak_size ** 3 / best_cpu / 1e9, 1)
        (d / "gemm_peak.json").write_text(json.dumps({"gemm_peak_gflops": peak, "size": a.peak_size, "best_s": round(best, 4),
                                                       "threads": torch.get_num_threads(), "torch": torch.__version__,
                                                       "gemm_gflops_per_cpu_s": per_cpu}))
        del m1, m2
    q = torch.from_numpy(np.fromfile(d / "queries.f32", dtype="<f4").reshape(shape["queries"], shape["dims"]))
    x = torch.from_numpy(np.fromfile(d / "database.f32", dtype="<f4").reshape(shape["database"], shape["dims"]))
    t0 = time.perf_counter()
    qn = F.normalize(q, dim=1)
    c1 = time.process_time()
    xn = F.normalize(x, dim=1)
    t1 = time.perf_counter()
    idx = []
    mm = tk = 0.0
    for s in range(0, qn.shape[0], a.block):
        ta = time.perf_counter()
        sims = qn[s:s + a.block] @ xn.T
        tb = time.perf_counter()
        idx.append(torch.topk(sims, a.k, dim=1).indices)
        tc = time.perf_counter()
        mm += tb - ta
        tk += tc - tb
    t2 = time.perf_counter()
    c2 = time.process_time()
    np.save(d / "torch_topk.npy", torch.cat(idx).numpy())
    flops = 2.0 * shape["queries"] * shape["database"] * shape["dims"]
    print(json.dumps({"impl": "torch", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "normalize_s": round(t1 - t0, 3), "matmul_s": round(mm, 3), "topk_s": round(tk, 3),
                      "search_s": round(t2 - t1, 3), "cpu_s": round(c2 - c1, 3), "gflops_search": round(flops / (t2 - t1) / 1e9, 1),
                      "gflops_matmul_only": round(flops / mm / 1e9, 1), "gemm_peak_gflops": peak,
                      "share_of_peak": None if peak is None else round(flops / (t2 - t1) / 1e9 / peak, 3),
                      "gemm_gflops_per_cpu_s": per_cpu, "gflops_per_cpu_s": round(flops / (c2 - c1) / 1e9, 1)}))


if __name__ == "__main__":
    main()
