/**
 * ONNX model files read and edited without loading them into a runtime, in place of the onnx Python
 * package: checking that a file is a {@code ModelProto} and listing its inputs, outputs and external
 * data while skipping the weights ({@link org.encodertraces.encoder.onnx.OnnxFileScan}), what the main
 * graph declares ({@link org.encodertraces.encoder.onnx.OnnxGraphInfo}), and promoting an intermediate
 * tensor to a graph output so the embedding can be fetched, or appending nodes and weights after one
 * ({@link org.encodertraces.encoder.onnx.OnnxModelEditor}), finding the residual blocks' outputs from the graph's structure
 * ({@link org.encodertraces.encoder.onnx.OnnxLayers}), over a minimal protocol-buffers reader and
 * writer ({@link org.encodertraces.encoder.onnx.ProtoReader}, {@link org.encodertraces.encoder.onnx.ProtoWriter}).
 *
 * <p>Knows the file format only, and imports no other package of ours: a download can be verified and
 * a model checked before ONNX Runtime ever sees it. {@link org.encodertraces.encoder.onnx.OnnxGraphWriter}
 * writes whole models node by node: the train module's export and the checkpoint graph builders
 * ({@code encoder.graph}) use it; its {@link org.encodertraces.encoder.onnx.OnnxModel} writes the model
 * with every weight inside, or, past protobuf's 2 GB, with the large weights in one ONNX external
 * data file (4 KiB-aligned offsets). Edited graphs keep external-data references as they are; such a
 * model runs only from a path beside its data file.
 */
package org.encodertraces.encoder.onnx;
