/**
 * Embedding sets: what an encoder made of a dataset under one processing operation, and how it is made
 * and stored. {@link org.encodertraces.embed.Extraction#run} is the pipeline (decode on a pool of
 * threads, the operation's steps before the encoder's crop, the crop, the steps after it, batched
 * inference), committed shard by shard so a killed run resumes to byte-identical output, and reusing
 * a finished set only when its recorded seed, processing, encoder and dataset match the job's. An
 * {@link org.encodertraces.embed.EmbeddingSet} (embeddings, per-sample labels and ids, provenance) is
 * stored by {@link org.encodertraces.embed.EmbeddingSetIO} as a safetensors file
 * ({@link org.encodertraces.embed.Safetensors}, byte-identical to the reference implementation's, with
 * tensor names from the study's release so files travel both ways) plus a JSON sidecar, and every
 * read refuses non-finite values and out-of-range labels. {@link org.encodertraces.embed.StageCosts}
 * measures what each stage of the pipeline costs, for the benchmarks and the audit's time estimate.
 *
 * <p>Knows datasets, operations, encoders and pixels; not the experiments that read its sets (probe,
 * knn, erase), the report or the audit. Failures per image are recorded in the set's
 * {@code .failures.tsv} and the run goes on; progress goes out through {@code Extraction.Listener}.
 */
package org.encodertraces.embed;
