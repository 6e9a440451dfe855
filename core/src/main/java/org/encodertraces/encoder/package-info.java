/**
 * Frozen image encoders: a batch of preprocessed images in, one embedding per image out
 * ({@link org.encodertraces.encoder.Encoder}). Owns naming a model
 * ({@link org.encodertraces.encoder.ModelRef}: a registry id, {@code builtin:...}, an ONNX file with its
 * options or {@code .spec.json}, a file declared as a registry encoder, a Hub file; parsed once, checked
 * before any work), the registry of the study's 47 encoders and the ready local ones
 * ({@link org.encodertraces.encoder.Registry}), finding, downloading, verifying and opening the model
 * ({@link org.encodertraces.encoder.EncoderFactory#prepare}, then
 * {@link org.encodertraces.encoder.EncoderFactory#open}), the ONNX Runtime implementation
 * ({@link org.encodertraces.encoder.OnnxEncoder}; read at several depths in one pass by
 * {@link org.encodertraces.encoder.LayerEncoder}), the preprocessing each encoder wants as data
 * ({@link org.encodertraces.encoder.PreprocessSpec}) and applied as torchvision applies it
 * ({@link org.encodertraces.encoder.Preprocessor}), and what an encoder says about itself
 * ({@link org.encodertraces.encoder.EncoderDescription}, {@link org.encodertraces.encoder.EncoderProvenance}),
 * so that nothing downstream inspects model strings.
 *
 * <p>Knows pixels ({@code image}) and files; not datasets, operations, embedding sets or experiments.
 * Sub-packages: {@code hub} (Hugging Face downloads and the model cache), {@code onnx} (reading and
 * editing ONNX files without a runtime), {@code builtin} (the reference encoders that need no weights).
 */
package org.encodertraces.encoder;
