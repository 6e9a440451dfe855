/**
 * Validity rules applied by every experiment and command (DESIGN.md, "Validity"): the minimum sizes a
 * figure needs and the note that says so, chance, small samples and ceilings
 * ({@link org.encodertraces.validity.Validity}), who a row of an embedding set is
 * ({@link org.encodertraces.validity.SampleIdentity}) and evaluated images found on their own training
 * side, by identity or by content ({@link org.encodertraces.validity.Overlap}). Byte-identical files
 * and near-duplicates are found earlier, when the dataset is split ({@code data.ContentDuplicates},
 * {@code data.NearDuplicates}).
 *
 * <p>Knows embedding sets ({@code embed}), not the experiments that apply its rules, the report that
 * marks them or the audit that plans with them: one set of rules, applied before any work and again
 * to what each experiment actually got.
 */
package org.encodertraces.validity;
