package org.encodertraces.encoder;

/**
 * The study's three encoder groups, under the labels of its result tables, plus the two groups
 * an encoder outside the study falls in: a built-in reference (yardstick) or an unknown model.
 */
public enum EncoderFamily {
    /** Contrastive vision-language (CLIP, OpenCLIP, SigLIP). */
    CVL,
    /** Supervised classification pre-training (ViT, ResNet, ConvNeXt). */
    SUP,
    /** Self-supervised (DINO, DINOv2, MoCo v3). */
    SSL,
    /** A built-in forensic or low-level reference encoder, shown as a yardstick. */
    REF,
    /** A model given by file whose training the tool does not know. */
    OTHER
}
