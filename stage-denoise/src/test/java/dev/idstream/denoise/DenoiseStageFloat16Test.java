package dev.idstream.denoise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.ModelBundle;
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
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The denoise stage, unchanged, on the float16 tiny bundle (models/generator-tiny-fp16): seeded and float32 out. */
class DenoiseStageFloat16Test {

    @TempDir
    static Path dir;

    private static LocalStageContext context;
    private static DenoiseStage stage;

    @BeforeAll
    static void start() throws Exception {
        context = LocalStageContext.start(dir.resolve("s3"));
        stage = new DenoiseStage(new GeneratorBundle(ModelBundle.load(CommittedBundles.folder("generator-tiny-fp16")),
                OrtRuntime.create(OrtSettings.cpu(2))));
    }

    @AfterAll
    static void stop() throws Exception {
        stage.close();
        context.close();
    }

    @Test
    void shouldWriteIdenticalFloat32LatentsWhenTheSameRequestRunsTwiceOnAFloat16Bundle() throws Exception {
        TokensFused in = tokens("fp16-seed", 7);
        LocalStageContext.Request first = context.request("fp16-seed", "denoise");
        stage.validate(in, first);
        LatentsDenoised a = stage.process(in, first);
        LatentsDenoised b = stage.process(in, context.request("fp16-seed", "denoise"));
        LatentsDenoised other = stage.process(tokens("fp16-other", 8), context.request("fp16-other", "denoise"));

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

    /** V_F as the features stage writes it for any bundle: F32 (here the float32 PyTorch golden of the id encoder). */
    private static TokensFused tokens(String id, long seed) throws Exception {
        LocalStageContext.Request up = context.request(id, "features");
        Tensor vf = Safetensors.read(Files.readAllBytes(CommittedBundles.folder("generator-tiny").resolve("golden/id_encoder.safetensors")))
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
