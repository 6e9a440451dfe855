/**
 * Exact ports of the random generators the study's numbers depend on: numpy's
 * {@link org.encodertraces.rng.SeedSequence} -> {@link org.encodertraces.rng.Pcg64} ->
 * {@link org.encodertraces.rng.NumpyGenerator} ({@code np.random.default_rng}) and CPython's
 * {@link org.encodertraces.rng.PythonRandom} ({@code random.seed}, {@code getrandbits},
 * {@code _randbelow}, {@code shuffle}). Each is held bit for bit to sequences that
 * {@code tools/rng-fixtures/make_rng_fixtures.py} writes with Debian's numpy 1.24.2 and Python 3.11.
 * Why: with the same draws, the same embeddings give the study's numbers, not numbers within noise of them.
 */
package org.encodertraces.rng;
