package org.encodertraces.encoder;

/**
 * Where ONNX Runtime runs the model. CUDA needs the {@code onnxruntime_gpu} artifact (Maven
 * profile {@code gpu}) and a CUDA-capable machine.
 */
public enum ExecutionProvider { CPU, CUDA }
