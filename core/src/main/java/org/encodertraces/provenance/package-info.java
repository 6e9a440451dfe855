/**
 * What made an artifact, as far as the running process can tell: the tool's version and build
 * commit, Java, operating system and CPU architecture ({@link org.encodertraces.provenance.ToolInfo},
 * {@link org.encodertraces.provenance.Platform}), and the sha256 by which every artifact names its
 * inputs ({@link org.encodertraces.provenance.Hashes}). Floating point and codecs differ across
 * platforms, so every embedding set, result and report carries these (as Tribuo's provenance does).
 *
 * <p>A foundation: it knows nothing of encoders, operations or datasets; what they contribute to an
 * artifact's provenance (the encoder's identity, the processing chain) is described by their own
 * packages ({@code encoder.EncoderProvenance}, {@code process.ProcessedImage}).
 */
package org.encodertraces.provenance;
