package dev.idstream.denoise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.StageException;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationParams;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VideoDenoiserTest {

    private static GeneratorBundle bundle;
    private static Tensor idTokens;

    @BeforeAll
    static void load() throws Exception {
        bundle = GeneratorBundle.loadDefault(OrtRuntime.create(OrtSettings.cpu(2)));
        // a real V_F: the id_encoder's golden output
        idTokens = Safetensors.read(Files.readAllBytes(bundle.bundle().folder().resolve("golden/id_encoder.safetensors")))
                .tensors().get("output.id_tokens");
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    @Test
    void shouldProduceByteIdenticalLatentsWhenRequestAndSeedRepeat() throws Exception {
        VideoDenoiser.Result a = generate(request(42));
        VideoDenoiser.Result b = generate(request(42));
        VideoDenoiser.Result other = generate(request(43));

        assertThat(a.latents().shape()).containsExactly(3, 4, 8, 12);
        assertThat(Safetensors.write(java.util.Map.of("latents", a.latents())))
                .isEqualTo(Safetensors.write(java.util.Map.of("latents", b.latents())));
        assertThat(other.latents()).isNotEqualTo(a.latents());
        for (float v : a.latents().toFloatArray()) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void shouldReportEveryStepWhenRunning() throws Exception {
        List<String> steps = new ArrayList<>();
        new VideoDenoiser(bundle).generate(request(1), idTokens, reference(), (s, n) -> steps.add(s + "/" + n));
        assertThat(steps).containsExactly("1/4", "2/4", "3/4", "4/4");
    }

    @Test
    void shouldStopWhenTheListenerThrows() {
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> new VideoDenoiser(bundle).generate(request(1), idTokens, reference(), (s, n) -> {
            seen.add(s);
            if (s == 2) {
                throw new StageException.Transient("cancelled", null);
            }
        })).hasMessage("cancelled");
        assertThat(seen).containsExactly(1, 2);
    }

    @Test
    void shouldGiveEachRequestByteIdenticalLatentsWhenItRunsInABatchInsteadOfAlone() throws Exception {
        List<VideoDenoiser.Request> requests = List.of(request(42),
                new VideoDenoiser.Request("a person waving", "blurry", 7, 9, 96, 64, 4, 3.5f),
                new VideoDenoiser.Request("", "", 42, 9, 96, 64, 4, 0f));
        List<VideoDenoiser.Job> jobs = requests.stream().map(r -> new VideoDenoiser.Job(r, idTokens, reference(), (s, n) -> { })).toList();

        List<VideoDenoiser.Outcome> batched = new VideoDenoiser(bundle).generateBatch(jobs);

        assertThat(batched).hasSize(3);
        for (int i = 0; i < requests.size(); i++) {
            assertThat(batched.get(i).failure()).isNull();
            assertThat(bytes(batched.get(i).result())).as("request %d batched vs alone", i).isEqualTo(bytes(generate(requests.get(i))));
        }
        assertThat(bytes(batched.get(0).result())).isNotEqualTo(bytes(batched.get(2).result()));
    }

    @Test
    void shouldDropOnlyTheRequestWhoseListenerThrowsWhenItRunsInABatch() throws Exception {
        List<String> steps = new ArrayList<>();
        VideoDenoiser.StepListener cancelAtTwo = (s, n) -> {
            steps.add("b" + s);
            if (s == 2) {
                throw new StageException.Transient("cancelled", null);
            }
        };
        List<VideoDenoiser.Outcome> batched = new VideoDenoiser(bundle).generateBatch(List.of(
                new VideoDenoiser.Job(request(1), idTokens, reference(), (s, n) -> steps.add("a" + s)),
                new VideoDenoiser.Job(request(2), idTokens, reference(), cancelAtTwo),
                new VideoDenoiser.Job(request(3), idTokens, reference(), (s, n) -> steps.add("c" + s))));

        assertThat(batched.get(1).failure()).hasMessage("cancelled");
        assertThat(batched.get(1).result()).isNull();
        assertThat(steps).containsExactly("a1", "b1", "c1", "a2", "b2", "c2", "a3", "c3", "a4", "c4");
        assertThat(bytes(batched.get(0).result())).isEqualTo(bytes(generate(request(1))));
        assertThat(bytes(batched.get(2).result())).isEqualTo(bytes(generate(request(3))));
    }

    @Test
    void shouldRefuseABatchWhenItsRequestsDifferInShape() {
        VideoDenoiser.Request longer = new VideoDenoiser.Request("p", "", 1, 13, 96, 64, 4, 6f);
        assertThatThrownBy(() -> new VideoDenoiser(bundle).generateBatch(List.of(
                new VideoDenoiser.Job(request(1), idTokens, reference(), (s, n) -> { }),
                new VideoDenoiser.Job(longer, idTokens, reference(), (s, n) -> { }))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a batch needs one shape");
    }

    @Test
    void shouldFailClearlyWhenTheShapeDoesNotFitTheBundle() {
        assertThatThrownBy(() -> GenerationShapeCheck.check(params(0, 96, 64, 8), bundle))
                .isInstanceOf(StageException.BadInput.class)
                .satisfies(e -> assertThat(((StageException) e).reason()).isEqualTo(FailureReason.LIMIT_EXCEEDED))
                .hasMessageContaining("frames is 0; this generator makes 1 + 4k frames");
        assertThatThrownBy(() -> GenerationShapeCheck.check(params(9, 96, 64, 10000), bundle))
                .hasMessageContaining("steps is 10000; this generator's scheduler allows 1..1000");
        assertThatThrownBy(() -> GenerationShapeCheck.check(params(9, 4097, 64, 8), bundle))
                .hasMessageContaining("width is 4097; this generator needs a positive multiple of 16");
        assertThatThrownBy(() -> GenerationShapeCheck.check(params(10, 96, 60, 8), bundle))
                .hasMessageContaining("frames is 10").hasMessageContaining("height is 60");
    }

    @Test
    void shouldAcceptTheDefaultRequestWhenItFits() throws Exception {
        GenerationShapeCheck.check(GenerationParams.newBuilder().setPrompt("a person").build(), bundle);
    }

    private static GenerationParams params(int frames, int width, int height, int steps) {
        return GenerationParams.newBuilder().setPrompt("p").setFrames(frames).setWidth(width).setHeight(height)
                .setSteps(steps).build();
    }

    private static byte[] bytes(VideoDenoiser.Result result) {
        return Safetensors.write(java.util.Map.of("latents", result.latents()));
    }

    private static VideoDenoiser.Result generate(VideoDenoiser.Request r) throws Exception {
        return new VideoDenoiser(bundle).generate(r, idTokens, reference(), (s, n) -> { });
    }

    private static VideoDenoiser.Request request(long seed) {
        return new VideoDenoiser.Request("a person smiling in a sunny park", "", seed, 9, 96, 64, 4, 6.0f);
    }

    private static BufferedImage reference() {
        BufferedImage image = new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 90; y++) {
            for (int x = 0; x < 120; x++) {
                image.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | 128);
            }
        }
        return image;
    }
}
