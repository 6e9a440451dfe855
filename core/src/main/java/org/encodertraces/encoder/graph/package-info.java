/**
 * ONNX graphs of the study's architectures built in Java from published checkpoints, in place of
 * the Python export recipe: each builder maps the checkpoint's key names to graph initializers,
 * checks every tensor's shape and fails naming a missing, misshapen or unexpected key, and
 * writes the model through {@link org.encodertraces.encoder.onnx.OnnxGraphWriter}. Today:
 * bottleneck ResNets in the torchvision/timm layout ({@link org.encodertraces.encoder.graph.ResNetGraph}) and
 * Vision Transformers in timm's and OpenCLIP's layouts ({@link org.encodertraces.encoder.graph.ViTGraph}), ConvNeXts
 * in timm's layout and OpenCLIP's towers around it ({@link org.encodertraces.encoder.graph.ConvNeXtGraph}).
 *
 * <p>Knows architectures and key layouts; not where a checkpoint comes from or how an encoder runs.
 */
package org.encodertraces.encoder.graph;
