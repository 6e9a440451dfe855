/**
 * The images an experiment runs on and what is known about them: a {@link org.encodertraces.data.Dataset}
 * is a named, fixed-order list of {@link org.encodertraces.data.Sample}s (a stable id, the file, its
 * integer labels by tensor name) with the class names behind each label, opened from any path or spec
 * by {@link org.encodertraces.data.Datasets#open(String)}: class folders, CSV/TSV manifests, any folder
 * labelled by its EXIF ({@link org.encodertraces.data.ExifDataset}), the FlickrExif and PairCams tables,
 * ImageNet and iNaturalist layouts, zip archives, and the demo's generated scenes
 * ({@link org.encodertraces.data.DemoData}). A file that cannot be read becomes a
 * {@link org.encodertraces.data.ReadFailure}, never a silent gap.
 *
 * <p>Also the acquisition splits and the rules they keep: the FlickrExif split format
 * ({@link org.encodertraces.data.SplitFile}), building such splits on a user's photos
 * ({@link org.encodertraces.data.SplitBuilder}, {@link org.encodertraces.data.AcquisitionSplit}) with
 * near-duplicates ({@link org.encodertraces.data.NearDuplicates}), byte-identical files
 * ({@link org.encodertraces.data.ContentDuplicates}) and the user's groups
 * ({@link org.encodertraces.data.GroupBy}) kept on one side ({@link org.encodertraces.data.SplitGroups}); the
 * dataset audit of trace-label shortcuts ({@link org.encodertraces.data.DatasetAudit},
 * {@link org.encodertraces.data.CramersV}); and the polite batch downloader of the FlickrExif photos
 * ({@link org.encodertraces.data.PhotoDownloader}).
 *
 * <p>Knows files, pixels, EXIF and operations; not encoders, embeddings or experiments, which take a
 * dataset as it is given.
 */
package org.encodertraces.data;
