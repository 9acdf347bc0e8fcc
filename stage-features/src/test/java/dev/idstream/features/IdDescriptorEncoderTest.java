package dev.idstream.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IdDescriptorEncoderTest {

    private static GeneratorBundle bundle;
    private static IdDescriptorEncoder encoder;

    @BeforeAll
    static void load() {
        bundle = GeneratorBundle.loadDefault(OrtRuntime.create(OrtSettings.cpu(2)));
        encoder = new IdDescriptorEncoder(bundle);
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    @Test
    void shouldEncodeTheBundlesDescriptorShapeWhenGivenACropAndMesh() {
        float[] v = CanonicalMesh.normalize(CanonicalMeshTest.inImage(CanonicalMeshTest.canonicalFace(), 0.2, 0, 0, 200, 256, 256));
        Tensor vf = encoder.encode(crop(0), v);
        assertThat(vf.shape()).containsExactly(bundle.geometry().idTokensShape());
        for (float x : vf.toFloatArray()) {
            assertThat(Float.isFinite(x)).isTrue();
        }
    }

    @Test
    void shouldChangeTheDescriptorWhenTheShapeIsEdited() {
        float[] v = CanonicalMesh.normalize(CanonicalMeshTest.inImage(CanonicalMeshTest.canonicalFace(), 0, 0, 0, 200, 256, 256));
        Tensor plain = encoder.encode(crop(0), v);
        Tensor wider = encoder.encode(crop(0), CanonicalMesh.edit(v, 1.3, 1.0));
        assertThat(wider).isNotEqualTo(plain);
    }

    @Test
    void shouldBlendLinearlyWhenMixingIdentities() {
        float[] v = CanonicalMesh.normalize(CanonicalMeshTest.inImage(CanonicalMeshTest.canonicalFace(), 0, 0, 0, 200, 256, 256));
        Tensor a = encoder.encode(crop(0), v);
        Tensor b = encoder.encode(crop(90), v);
        assertThat(IdDescriptorEncoder.mix(a, b, 0f).toFloatArray()).containsExactly(a.toFloatArray());
        assertThat(IdDescriptorEncoder.mix(a, b, 1f).toFloatArray()).containsExactly(b.toFloatArray());
        float[] half = IdDescriptorEncoder.mix(a, b, 0.25f).toFloatArray();
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        for (int i = 0; i < half.length; i++) {
            assertThat(half[i]).isEqualTo(0.75f * x[i] + 0.25f * y[i]);
        }
    }

    private static BufferedImage crop(int shift) {
        BufferedImage image = new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 512; y++) {
            for (int x = 0; x < 512; x++) {
                image.setRGB(x, y, ((x + shift) / 2 % 256) << 16 | (y / 2) << 8 | ((x + y + shift) / 4 % 256));
            }
        }
        return image;
    }
}
