package dev.idstream.denoise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.BatchingStage;
import dev.idstream.core.StageException;
import dev.idstream.core.config.GeneratorSettings;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.core.testing.CommittedBundles;
import dev.idstream.core.testing.LocalStageContext;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.TokensFused;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage on real artifacts (embedded S3) and the real tiny bundles (float32, and float16 with the same stage code). */
class DenoiseStageTest {

    @TempDir
    static Path dir;

    private static LocalStageContext context;
    private static DenoiseStage stage;
    private static GeneratorBundle bundle;

    @BeforeAll
    static void start() throws Exception {
        context = LocalStageContext.start(dir.resolve("s3"));
        bundle = GeneratorBundle.loadDefault(OrtRuntime.create(OrtSettings.cpu(2)));
        stage = new DenoiseStage(bundle);
    }

    @AfterAll
    static void stop() throws Exception {
        stage.close();
        context.close();
    }

    @Test
    void shouldWriteIdenticalFloat32LatentsWhenTheSameRequestRunsTwiceOnAFloat16Bundle() throws Exception {
        try (DenoiseStage fp16 = new DenoiseStage(GeneratorBundle.load(
                new GeneratorSettings(CommittedBundles.folder("generator-tiny-fp16")), OrtSettings.cpu(2)))) {
            TokensFused in = tokens("fp16-seed", 7);
            LocalStageContext.Request first = context.request("fp16-seed", "denoise");
            fp16.validate(in, first);
            LatentsDenoised a = fp16.process(in, first);
            LatentsDenoised b = fp16.process(in, context.request("fp16-seed", "denoise"));
            LatentsDenoised other = fp16.process(tokens("fp16-other", 8), context.request("fp16-other", "denoise"));

            assertThat(b.getLatents().getSha256()).isEqualTo(a.getLatents().getSha256());
            assertThat(other.getLatents().getSha256()).isNotEqualTo(a.getLatents().getSha256());
            assertThat(a.getGenerator()).isEqualTo("idstream-generator-tiny-fp16 0.1.0");
            assertThat(a.getLatents().getDtype()).as("the latents artifact is F32 whatever the bundle precision").isEqualTo("F32");
            Tensor latents = context.artifacts().getTensors(a.getLatents()).get("latents");
            assertThat(latents.shape()).containsExactly(3, 4, 8, 12);
            for (float v : latents.toFloatArray()) {
                assertThat(Float.isFinite(v)).as("every latent is finite").isTrue();
            }
        }
    }

    @Test
    void shouldWriteIdenticalLatentsAndReportEveryStepWhenTheSameRequestRunsTwice() throws Exception {
        TokensFused in = tokens("same-seed", 7);
        LocalStageContext.Request first = context.request("same-seed", "denoise");
        stage.validate(in, first);
        LatentsDenoised a = stage.process(in, first);
        LatentsDenoised b = stage.process(in, context.request("same-seed", "denoise"));
        LatentsDenoised other = stage.process(tokens("other-seed", 8), context.request("other-seed", "denoise"));

        assertThat(b.getLatents().getSha256()).isEqualTo(a.getLatents().getSha256());
        assertThat(other.getLatents().getSha256()).isNotEqualTo(a.getLatents().getSha256());
        assertThat(first.progress()).hasSize(8).first().isEqualTo("1/8 step 1/8");
        Tensor latents = context.artifacts().getTensors(a.getLatents()).get("latents");
        assertThat(latents.shape()).containsExactly(3, 4, 8, 12);
        assertThat(a.getGenerator()).isEqualTo("idstream-generator-tiny 0.1.0");
    }

    @Test
    void shouldWriteTheLatentsOfEachRequestAloneAndFailOnlyTheBadOneWhenRunAsABatch() throws Exception {
        TokensFused a = tokens("batch-a", 11);
        TokensFused b = tokens("batch-b", 12);
        TokensFused bad = TokensFused.newBuilder(tokens("batch-bad", 13)).setIdTokens(a.getReferenceImage()).build();
        assertThat(stage.batchKey(a)).isEqualTo(stage.batchKey(b));

        List<BatchingStage.Result<LatentsDenoised>> results = stage.processBatch(List.of(a, bad, b), List.of(
                context.request("batch-a", "denoise"), context.request("batch-bad", "denoise"), context.request("batch-b", "denoise")));

        assertThat(results).hasSize(3);
        assertThat(results.get(1).failure()).isInstanceOf(StageException.BadInput.class);
        LatentsDenoised aloneA = stage.process(a, context.request("batch-a", "denoise"));
        LatentsDenoised aloneB = stage.process(b, context.request("batch-b", "denoise"));
        assertThat(results.get(0).output().getLatents().getSha256()).isEqualTo(aloneA.getLatents().getSha256());
        assertThat(results.get(2).output().getLatents().getSha256()).isEqualTo(aloneB.getLatents().getSha256());
    }

    @Test
    void shouldNotBatchRequestsWhenTheirStepsDiffer() throws Exception {
        TokensFused eight = tokens("key-8", 1);
        TokensFused four = TokensFused.newBuilder(eight).setParams(GenerationParams.newBuilder(eight.getParams()).setSteps(4).build()).build();
        TokensFused otherGuidance = TokensFused.newBuilder(eight)
                .setParams(GenerationParams.newBuilder(eight.getParams()).setGuidanceScale(1.5f).setSeed(99).setPrompt("x").build()).build();

        assertThat(stage.batchKey(four)).isNotEqualTo(stage.batchKey(eight));
        assertThat(stage.batchKey(otherGuidance)).as("guidance, seed and prompt are per row").isEqualTo(stage.batchKey(eight));
    }

    private static TokensFused tokens(String id, long seed) throws Exception {
        LocalStageContext.Request up = context.request(id, "features");
        Tensor vf = Safetensors.read(Files.readAllBytes(bundle.bundle().folder().resolve("golden/id_encoder.safetensors")))
                .tensors().get("output.id_tokens").reshape(44, 64);
        ArtifactRef idTokens = context.artifacts().putTensors(up.key("id_tokens.safetensors"), Map.of("id_tokens", vf));
        ArtifactRef image = context.artifacts().put(up.key("image.png"), png(), "image/png");
        return TokensFused.newBuilder().setRequestId(id).setTraceparent(up.traceparent()).setCreatedAt(Instant.now())
                .setParams(GenerationParams.newBuilder().setPrompt("a person smiling").setSeed(seed).build())
                .setReference(image).setReferenceImage(image).setIdTokens(idTokens).build();
    }

    private static byte[] png() throws Exception {
        BufferedImage image = new BufferedImage(150, 100, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 150; x++) {
                image.setRGB(x, y, x << 16 | (y * 2) << 8 | 90);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
