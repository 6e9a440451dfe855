#!/usr/bin/env python3
"""Writes the safetensors reference fixture that SafetensorsTest reads and re-creates.

The file is made by the reference implementation (huggingface/safetensors, which
safetensors.numpy.save_file calls), so the Java test proves both that we read its files
and that our writer produces the same bytes. The values are simple formulas the Java test
recomputes. One metadata key only: the reference keeps __metadata__ in a hash map, so with
several keys their order in its output is arbitrary.

    python3 -m venv /tmp/stvenv && /tmp/stvenv/bin/pip install safetensors numpy
    /tmp/stvenv/bin/python tools/make_safetensors_fixture.py

Made with safetensors 0.8.0 and numpy 2.4.6.
"""
import pathlib

import numpy as np
from safetensors.numpy import save_file

OUT = pathlib.Path(__file__).resolve().parent.parent / "core/src/test/resources/org/encodertraces/embed/reference-numpy.safetensors"

tensors = {
    "image_embeddings": (np.arange(12, dtype=np.float32).reshape(3, 4) * np.float32(0.5) - np.float32(1.25)),
    "label": np.array([0, 1, 2], dtype=np.int64),
    "Flickr ID": np.array([53107250312, 7, 2**40 + 3], dtype=np.int64),
    "subject": np.array([5, -6, 7], dtype=np.int32),
    "model": np.array([-2, 300, 0], dtype=np.int16),
    "a_f64": np.array([0.1, -2.5e300, 3.0], dtype=np.float64),
    "b_i8": np.array([-128, 0, 127], dtype=np.int8),
    "c_u8": np.array([0, 200, 255], dtype=np.uint8),
    "d_bool": np.array([True, False, True]),
    "e_f16": np.array([1.0, -2.0, 0.333251953125], dtype=np.float16),
    "sujet_\u00e9": np.array([1, 2, 3], dtype=np.int64),
}
save_file(tensors, str(OUT), metadata={"format": "np"})
print(OUT, OUT.stat().st_size)
