/**
 * How every artifact reaches the disk and how every file and transfer is read safely: the bottom
 * layer, which knows nothing of images, models or experiments and imports no other package of ours.
 *
 * <p>Owns: the one atomic writer ({@link org.encodertraces.io.AtomicFiles}: temporary beside the
 * target, atomic move, 0644), the one-writer-per-folder lock ({@link org.encodertraces.io.OutputLock}),
 * the one CSV and TSV writers and readers of our own tables ({@link org.encodertraces.io.Csv} with
 * its formula guard, {@link org.encodertraces.io.Tsv} with its escapes), listing a folder as every
 * batch command sees it ({@link org.encodertraces.io.FileTree}: sorted, links followed, problems
 * kept as entries), reading a whole file within the heap ({@link org.encodertraces.io.FileBytes}),
 * file and JSON errors in words ({@link org.encodertraces.io.FileProblems},
 * {@link org.encodertraces.io.JsonErrors}) and the time limits of a network transfer
 * ({@link org.encodertraces.io.TransferWatchdog}). Why one place: a crash-safe output, a
 * one-row-per-record table or a clear error is only a guarantee when nothing writes around it.
 */
package org.encodertraces.io;
