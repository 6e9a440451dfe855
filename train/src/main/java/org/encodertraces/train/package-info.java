/**
 * Training small encoders under named augmentation recipes, to ask what training does to the traces
 * ({@code traces train}, {@code traces ablation}; DJL with the PyTorch engine, CPU). A run
 * ({@link org.encodertraces.train.TrainRun}) trains a residual CNN ({@link org.encodertraces.train.ResNet}
 * of an {@link org.encodertraces.train.Architecture}) on decoded images
 * ({@link org.encodertraces.train.TrainingImages}) under a {@link org.encodertraces.train.TrainConfig}
 * (recipe, schedule, seed, threads; {@link org.encodertraces.train.Recipe},
 * {@link org.encodertraces.train.Objective}) with {@link org.encodertraces.train.Training}, which
 * checkpoints every epoch so that a killed run resumes to the same weights, then exports it as an
 * ordinary ONNX encoder with its spec and training provenance ({@link org.encodertraces.train.OnnxExport},
 * {@link org.encodertraces.train.TrainedEncoder}). {@link org.encodertraces.train.AblationReport} sets
 * the recipes' traces beside the semantic accuracy they reached.
 *
 * <p>The study's own experiment, an image-text model: {@link org.encodertraces.train.ClipRun} trains a
 * small CLIP ({@link org.encodertraces.train.ClipModel} of a {@link org.encodertraces.train.ClipArchitecture},
 * a ViT or the CNN beside a causal text transformer) under a {@link org.encodertraces.train.ClipConfig}
 * with {@link org.encodertraces.train.ClipTraining} on a caption set
 * ({@link org.encodertraces.train.CaptionedImages}, words from a {@link org.encodertraces.train.CaptionTokenizer}
 * saved as a Hugging Face {@code tokenizer.json}), measures zero-shot retrieval
 * ({@link org.encodertraces.train.ClipEvaluation}) and exports both towers
 * ({@link org.encodertraces.train.ClipOnnxExport}).
 *
 * <p>A module of its own so that core never downloads libtorch; what it trains is read back by core as
 * any other ONNX file, with no special path. Knows datasets, operations, pixels and encoders; nothing
 * of the CLI, which lives in the module's command classes.
 */
package org.encodertraces.train;
