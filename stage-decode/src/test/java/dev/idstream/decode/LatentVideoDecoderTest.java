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
    void shouldMatchThePyTorchDecodeInEightBitsWhenChunked() throws Exception {
        Map<String, Tensor> golden = Safetensors.read(Files.readAllBytes(
                bundle.bundle().folder().resolve("golden/vae_decoder.safetensors"))).tensors();
        Tensor input = golden.get("input.latents");
        long[] s = input.shape();
        Tensor latents = input.reshape(s[1], s[2], s[3], s[4]);
        float[] want = golden.get("output.video").toFloatArray();

        List<BufferedImage> frames = new LatentVideoDecoder(bundle, 2).decode(latents);

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
     * 13 latent frames (49 video frames, FantasyID's length) decoded in chunks of 2, 3 and 4 latent frames carry the
     * convolution cache from chunk to chunk and give the whole-video decode within 1e-5, and the same 8-bit frames.
     */
    @Test
    void shouldEqualTheWholeDecodeWhenChunked() {
        Random random = new Random(5);
        float[] values = new float[13 * 4 * 8 * 12];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Tensor latents = Tensor.ofFloats(new long[] {13, 4, 8, 12}, values);
        float[] whole = decodedFloats(new LatentVideoDecoder(bundle, 13), latents);
        assertThat(whole).hasSize(49 * 3 * 64 * 96);

        for (int chunk : new int[] {2, 3, 4}) {
            float[] chunked = decodedFloats(new LatentVideoDecoder(bundle, chunk), latents);
            assertThat(chunked).hasSize(whole.length);
            double max = 0;
            for (int i = 0; i < whole.length; i++) {
                max = Math.max(max, Math.abs(whole[i] - chunked[i]));
            }
            System.out.printf("chunks of %d latent frames vs one decode: max |diff| %.2e%n", chunk, max);
            assertThat(max).as("chunks of %d", chunk).isLessThanOrEqualTo(1e-5);
        }
        List<BufferedImage> a = new LatentVideoDecoder(bundle, 13).decode(latents);
        List<BufferedImage> b = new LatentVideoDecoder(bundle, 2).decode(latents);
        assertThat(b).hasSize(49);
        int differing = 0;
        for (int f = 0; f < 49; f++) {
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 96; x++) {
                    differing += a.get(f).getRGB(x, y) != b.get(f).getRGB(x, y) ? 1 : 0;
                }
            }
        }
        // a 1e-5 difference can only flip a value sitting on a rounding boundary
        assertThat(differing).isLessThan(5);
    }

    @Test
    void shouldPassEmptyCachesToTheFirstChunk() {
        Map<String, Tensor> caches = LatentVideoDecoder.emptyCaches(bundle.session(GeneratorBundle.Role.VAE_DECODER));
        assertThat(caches).hasSize(22).containsKey("cache_00").containsKey("cache_21");
        assertThat(caches.get("cache_00").shape()).containsExactly(1, 4, 0, 1, 1);
    }

    private static float[] decodedFloats(LatentVideoDecoder decoder, Tensor latents) {
        List<float[]> chunks = new java.util.ArrayList<>();
        decoder.decodeChunks(latents, (pixels, frames) -> chunks.add(pixels));
        float[] all = new float[chunks.stream().mapToInt(c -> c.length).sum()];
        int at = 0;
        for (float[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return all;
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
