/**
 * Published checkpoints read without Python: safetensors files and torch {@code .pth} /
 * {@code .pth.tar} zip files ({@link org.encodertraces.encoder.checkpoint.Checkpoint}), the latter
 * through a restricted unpickler that rebuilds tensors and dictionaries and refuses every other
 * opcode and global, so opening a downloaded checkpoint never runs its code.
 *
 * <p>Knows file formats and key names only: which architecture a checkpoint is, and how its
 * graph is built, is decided by the caller. Imports no other package of ours.
 */
package org.encodertraces.encoder.checkpoint;
