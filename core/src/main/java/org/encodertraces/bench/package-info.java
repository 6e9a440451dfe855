/**
 * Speed measured, not assumed: the benchmarks behind {@code traces bench-embed}
 * ({@link org.encodertraces.bench.EmbedBench}: each extraction stage's CPU cost per image, the
 * throughput those costs allow, and the pipeline's measured throughput beside it),
 * {@code traces bench-knn} ({@link org.encodertraces.bench.KnnBench}: our blocked top-k search
 * against the machine's GEMM peak and PyTorch's indices) and {@code traces bench-erase}
 * ({@link org.encodertraces.bench.EraseBench}: the LEACE fit beside numpy's), and
 * {@link org.encodertraces.bench.Machine}, the line that says where a figure was measured. Each
 * returns typed rows as it measures them; the command formats them for BENCHMARKS.md.
 *
 * <p>It times the library's own code (extraction, {@code linalg.TopK}, {@code erase.Leace}) on data
 * it is given; it knows nothing of the command line, prints nothing, and no experiment's result
 * depends on it.
 */
package org.encodertraces.bench;
