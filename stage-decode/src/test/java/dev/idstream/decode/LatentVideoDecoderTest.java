package dev.idstream.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.StageException;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LatentVideoDecoderTest {

    private static GeneratorBundle bundle;

    @BeforeAll
    static void load() {
        bundle = GeneratorBundle.loadDefault(OrtRuntime.create(OrtSettings.cpu(2)));
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    /** The golden vae_decoder input/output (PyTorch), through the stage's 8-bit conversion. */
    @Test
    void shouldMatchThePyTorchDecodeInEightBitsWhenOneChunk() throws Exception {
        Map<String, Tensor> golden = Safetensors.read(Files.readAllBytes(
                bundle.bundle().folder().resolve("golden/vae_decoder.safetensors"))).tensors();
        Tensor input = golden.get("input.latents");
        long[] s = input.shape();
        Tensor latents = input.reshape(s[1], s[2], s[3], s[4]);
        float[] want = golden.get("output.video").toFloatArray();

        List<BufferedImage> frames = new LatentVideoDecoder(bundle, 4, 2).decode(latents);

        assertThat(frames).hasSize(9);
        int plane = 3 * 64 * 96;
        for (int f = 0; f < frames.size(); f++) {
            BufferedImage img = frames.get(f);
            assertThat(img.getWidth()).isEqualTo(96);
            assertThat(img.getHeight()).isEqualTo(64);
            for (int i = 0; i < 64 * 96; i += 97) {
                int rgb = img.getRGB(i % 96, i / 96);
                for (int c = 0; c < 3; c++) {
                    float x = Math.max(-1f, Math.min(1f, want[f * plane + c * 64 * 96 + i]));
                    int expected = Math.round((x + 1f) * 127.5f);
                    assertThat((rgb >> (16 - 8 * c)) & 0xff).isBetween(expected - 1, expected + 1);
                }
            }
        }
    }

    /**
     * Chunks of 2 latent frames with 4 of context on random latents: the first chunk is exact, later frames differ
     * (measured here: mean 5.6, max 232 levels; with 2 context frames mean 20.7) because the decoder's temporal
     * receptive field is longer than the context. That is why the stage's chunk (16 latent frames) covers every
     * request up to 61 frames in one exact run.
     */
    @Test
    void shouldKeepTheFrameCountAndStayCloseWhenChunked() {
        Random random = new Random(5);
        float[] values = new float[7 * 4 * 8 * 12];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Tensor latents = Tensor.ofFloats(new long[] {7, 4, 8, 12}, values);

        List<BufferedImage> whole = new LatentVideoDecoder(bundle, 7, 1).decode(latents);
        List<BufferedImage> chunked = new LatentVideoDecoder(bundle, 2, 4).decode(latents);

        assertThat(whole).hasSize(25);
        assertThat(chunked).hasSize(25);
        double sum = 0;
        int max = 0;
        long n = 0;
        for (int f = 0; f < 25; f++) {
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 96; x++) {
                    int a = whole.get(f).getRGB(x, y);
                    int b = chunked.get(f).getRGB(x, y);
                    for (int c = 0; c < 24; c += 8) {
                        int d = Math.abs(((a >> c) & 0xff) - ((b >> c) & 0xff));
                        sum += d;
                        max = Math.max(max, d);
                        n++;
                        if (f < 5) {
                            assertThat(d).as("first chunk is exact").isZero();
                        }
                    }
                }
            }
        }
        System.out.printf("chunked (2 + 4 context) vs whole decode: mean |d| %.3f, max %d (8-bit levels)%n", sum / n, max);
        assertThat(sum / n).isLessThan(8.0);
    }

    @Test
    void shouldRefuseLatentsThatAreNotTheBundlesShape() {
        Tensor wrong = Tensor.ofFloats(new long[] {3, 5, 8, 12}, new float[3 * 5 * 8 * 12]);
        assertThatThrownBy(() -> DecodeStage.checkedLatents(Map.of("latents", wrong), bundle))
                .isInstanceOf(StageException.BadInput.class)
                .hasMessageContaining("the latents tensor is F32 [3, 5, 8, 12]")
                .hasMessageContaining("decodes F32 [frames, 4, height, width]");
        assertThatThrownBy(() -> DecodeStage.checkedLatents(Map.of("frames", wrong), bundle))
                .hasMessageContaining("decode reads an F32 tensor 'latents'");
    }
}
