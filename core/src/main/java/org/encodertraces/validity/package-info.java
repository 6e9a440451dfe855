/**
 * Validity rules applied by every experiment and command (DESIGN.md, "Validity"): the minimum sizes a
 * figure needs and the note that says so ({@link org.encodertraces.validity.Validity}), who a row of an
 * embedding set is ({@link org.encodertraces.validity.SampleIdentity}), evaluated images found on their
 * own training side ({@link org.encodertraces.validity.Overlap}) and byte-identical files in a dataset
 * ({@link org.encodertraces.validity.Duplicates}).
 */
package org.encodertraces.validity;
