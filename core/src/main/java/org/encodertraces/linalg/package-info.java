/**
 * The similarity search under kNN and retrieval: dense row-major float matrices, one row per image
 * ({@link org.encodertraces.linalg.FloatMatrix}), and exact top-k by dot product
 * ({@link org.encodertraces.linalg.TopK}), blocked so that no queries x database matrix is ever held,
 * on register-tiled kernels (incubator Vector API when present, a portable loop otherwise) that give
 * bit-identical scores whichever runs ({@code ScoreArithmetic} fixes how a score is summed).
 *
 * <p>A foundation: it knows nothing of embeddings, labels or experiments (knn, erase, the audit and
 * spark call it) and imports no other package of ours. Why its own package: the same neighbours on every
 * machine, thread count and Spark partitioning is what makes a kNN figure reproducible.
 */
package org.encodertraces.linalg;
