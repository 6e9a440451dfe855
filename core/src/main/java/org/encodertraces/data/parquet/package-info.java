/**
 * Just enough of the parquet format, without Hadoop, to read the study's published tables (FlickrExif,
 * PairCams): {@link org.encodertraces.data.parquet.ParquetFile} decodes the footer on open and one
 * column of one row group at a time, so a table larger than memory is read row group by row group;
 * {@link org.encodertraces.data.parquet.ParquetColumn} describes a leaf column. The Thrift compact
 * protocol, the value encodings and the page codecs are private to the package.
 *
 * <p>Knows the file format only: what the columns mean is {@code data}'s business
 * ({@code FlickrExifTable}, {@code PairCams}); it imports no other package of ours.
 */
package org.encodertraces.data.parquet;
