/**
 * Pixels exactly as the study's Pillow 9.4 made them: any input file decoded to the 8-bit RGB raster
 * of {@code Image.open(f).convert("RGB")} ({@link org.encodertraces.image.ImageDecoder}, returning a
 * {@link org.encodertraces.image.DecodedImage} of an {@link org.encodertraces.image.RgbImage}, with
 * Pillow's refusals and limits), JPEG written and read with Pillow's bytes and pixels
 * ({@link org.encodertraces.image.JpegCodec}, through TurboJPEG or the JDK:
 * {@link org.encodertraces.image.JpegBackend}), Pillow's resampling filters
 * ({@link org.encodertraces.image.Resampler}) and sharpness enhancer
 * ({@link org.encodertraces.image.Enhance}), lossless PNG output
 * ({@link org.encodertraces.image.PngIo}), and what a file says of its own making: its JPEG
 * quantization tables and quality estimate ({@link org.encodertraces.image.JpegQuantization}) and a
 * perceptual hash for near-duplicates ({@link org.encodertraces.image.PerceptualHash}). Bit-exactness
 * is held by the fixtures of {@code tools/pillow-fixtures}.
 *
 * <p>Knows nothing of processing operations, encoders, datasets or embeddings: it is told pixels,
 * qualities and filters, never why. It imports only {@code io}. Decode failures are
 * {@link org.encodertraces.image.ImageDecodeException}s naming the file and the reason, for batch
 * jobs to record.
 */
package org.encodertraces.image;
