/**
 * The acquisition traces of the study: a photo's EXIF read into an
 * {@link org.encodertraces.exif.Acquisition} ({@link org.encodertraces.exif.ExifReader}, through
 * metadata-extractor's one facade, raw values kept apart from their labels), those values normalised
 * to the FlickrExif benchmark's label strings ({@link org.encodertraces.exif.FlickrExifLabels}), one
 * label per camera manufacturer ({@link org.encodertraces.exif.MakeLabels}) and the "Is Smartphone"
 * rule ({@link org.encodertraces.exif.DeviceClass}).
 *
 * <p>Knows files and pixels only ({@code image}, {@code io}): not datasets, encoders or experiments.
 * Bad EXIF inside a readable file is never an exception (unknown fields and a warning); a file that
 * cannot be read at all is an {@link org.encodertraces.exif.ExifReadException} naming it.
 */
package org.encodertraces.exif;
