package org.encodertraces.encoder;

/** The study's three encoder groups, under the labels of its result tables. */
public enum EncoderFamily {
    /** Contrastive vision-language (CLIP, OpenCLIP, SigLIP). */
    CVL,
    /** Supervised classification pre-training (ViT, ResNet, ConvNeXt). */
    SUP,
    /** Self-supervised (DINO, DINOv2, MoCo v3). */
    SSL
}
