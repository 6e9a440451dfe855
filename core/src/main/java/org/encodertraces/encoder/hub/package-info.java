/**
 * Model files from the Hugging Face Hub into a cache shared by every process of the user: the client
 * ({@link org.encodertraces.encoder.hub.HubClient}, behaving like huggingface_hub's
 * {@code hf_hub_download}: resolve, resume a part file with a range request, bounded in size and time,
 * verify before anything is kept), the cache's layout (the standard Hugging Face cache,
 * {@code models--ORG--REPO/blobs|snapshots|refs}, shared with Python's huggingface_hub; our older layout
 * still read), locks and quarantine ({@link org.encodertraces.encoder.hub.ModelCache}) and the checked name of one file of one revision
 * ({@link org.encodertraces.encoder.hub.HubFile}). The same client downloads checkpoints published at
 * https URLs outside the Hub ({@code HubClient.downloadUrl}) into our cache, each pinned to its
 * published sha256 or, where none is published, to the first download's (trust-on-first-use;
 * {@link org.encodertraces.encoder.hub.UrlFiles}). Failures are
 * {@link org.encodertraces.encoder.hub.HubException}s with a {@code Reason} the CLI maps to an exit
 * status and a hint; no message ever holds the access token.
 *
 * <p>Knows files and transfers ({@code io}), not encoders: what a downloaded file must be is passed in
 * as a {@link org.encodertraces.encoder.hub.FileCheck}, and progress goes out through
 * {@link org.encodertraces.encoder.hub.DownloadProgress}, since the library never prints.
 */
package org.encodertraces.encoder.hub;
