package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.encodertraces.image.ResampleFilter;
import org.junit.jupiter.api.Test;

/** PreprocessSpec as data: JSON round trip and validation. */
class PreprocessSpecTest {
    @Test
    void jsonRoundTrip() throws Exception {
        PreprocessSpec clip = PreprocessSpec.study(336, ResampleFilter.BICUBIC, PreprocessSpec.CLIP_MEAN, PreprocessSpec.CLIP_STD);
        ObjectMapper m = new ObjectMapper();
        String json = m.writeValueAsString(clip);
        assertTrue(json.contains("\"filter\":\"BICUBIC\"") && json.contains("\"resizeSize\":336"), json);
        assertEquals(clip, m.readValue(json, PreprocessSpec.class));
        assertArrayEquals(new long[] {2, 3, 336, 336}, clip.tensorShape(2));
    }

    @Test
    void invalidSpecsNameTheField() {
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> new PreprocessSpec(224,
                PreprocessSpec.ResizeMode.SHORTER_SIDE, ResampleFilter.BILINEAR, true, 224, 1 / 255.0,
                List.of(0.5, 0.5), PreprocessSpec.HALF, PreprocessSpec.ChannelOrder.RGB, PreprocessSpec.Layout.NCHW, false));
        assertTrue(a.getMessage().startsWith("mean must have 3 entries"), a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> new PreprocessSpec(224,
                PreprocessSpec.ResizeMode.SHORTER_SIDE, ResampleFilter.BILINEAR, true, 224, 1 / 255.0,
                PreprocessSpec.HALF, List.of(0.5, 0.0, 0.5), PreprocessSpec.ChannelOrder.RGB, PreprocessSpec.Layout.NCHW, false));
        assertTrue(b.getMessage().startsWith("std entries must be finite and positive"), b.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PreprocessSpec.study(0, ResampleFilter.BOX,
                PreprocessSpec.HALF, PreprocessSpec.HALF));
    }
}
