/**
 * The study's nearest-neighbour experiments. kNN classification under controlled processing
 * ({@link org.encodertraces.knn.KnnInfluence}: the same images under several operations; in each of
 * the five database set-ups of {@link org.encodertraces.knn.KnnSetup}, positives and negatives are
 * shown under chosen operations, and the pos-same minus neg-same gap is how far shared processing pulls
 * a query's neighbours), with a deterministic vote ({@link org.encodertraces.knn.KnnVote}) and the
 * uniform set-up's order-free draw ({@link org.encodertraces.knn.UniformDraw}); and PairCams pair
 * retrieval ({@link org.encodertraces.knn.PairRetrieval}: recall@k of a subject's other-device photo
 * among same-device or other-device distractors). Results are {@link org.encodertraces.knn.KnnResult}
 * and {@link org.encodertraces.knn.RetrievalResult}, written as result documents by {@link org.encodertraces.knn.KnnDocuments}.
 *
 * <p>Takes matrices and labels; the search is {@code linalg}'s exact top-k, and the validity rules
 * (chance, k below the database) are {@code validity}'s. Knows nothing of embedding-set files,
 * encoders, the report or the audit.
 */
package org.encodertraces.knn;
