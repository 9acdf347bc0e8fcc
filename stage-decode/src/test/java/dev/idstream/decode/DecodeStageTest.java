package dev.idstream.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.core.testing.LocalStageContext;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.VideoDecoded;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage on real artifacts (embedded S3) and the real tiny bundle's VAE decoder. */
class DecodeStageTest {

    @TempDir
    static Path dir;

    private static LocalStageContext context;
    private static GeneratorBundle bundle;
    private static DecodeStage stage;

    @BeforeAll
    static void start() throws Exception {
        context = LocalStageContext.start(dir.resolve("s3"));
        bundle = GeneratorBundle.loadDefault(OrtRuntime.create(OrtSettings.cpu(2)));
        stage = new DecodeStage(bundle);
    }

    @AfterAll
    static void stop() throws Exception {
        stage.close();
        context.close();
    }

    @Test
    void shouldWriteAnMp4PosterAndContactSheetWhenGivenLatents() throws Exception {
        LocalStageContext.Request up = context.request("dec-1", "denoise");
        Tensor golden = Safetensors.read(Files.readAllBytes(bundle.bundle().folder().resolve("golden/vae_decoder.safetensors")))
                .tensors().get("input.latents").reshape(3, 4, 8, 12);
        ArtifactRef latents = context.artifacts().putTensors(up.key("latents.safetensors"), Map.of("latents", golden));
        LatentsDenoised in = LatentsDenoised.newBuilder().setRequestId("dec-1").setTraceparent(up.traceparent())
                .setCreatedAt(Instant.now()).setParams(GenerationParams.newBuilder().setPrompt("p").build())
                .setReference(latents).setReferenceImage(latents).setLatents(latents).setGenerator(bundle.id()).build();

        VideoDecoded out = stage.process(in, context.request("dec-1", "decode"));

        assertThat(out.getFrames()).isEqualTo(9);
        assertThat(out.getWidth()).isEqualTo(96);
        assertThat(out.getHeight()).isEqualTo(64);
        assertThat(out.getFps()).isEqualTo(8);
        byte[] mp4 = context.artifacts().get(out.getVideo());
        assertThat(new String(mp4, 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        assertThat(out.getPoster().getContentType()).isEqualTo("image/png");
        assertThat(out.getContactSheet().getContentType()).isEqualTo("image/png");
    }
}
