package dev.idstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.idstream.core.Stage;
import dev.idstream.core.config.FaceSettings;
import dev.idstream.core.config.GeneratorSettings;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.testing.CommittedBundles;
import dev.idstream.core.testing.LocalStageContext;
import dev.idstream.core.testing.TransformStage;
import dev.idstream.decode.DecodeStage;
import dev.idstream.denoise.DenoiseStage;
import dev.idstream.detect.DetectStage;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.TokensFused;
import dev.idstream.events.VideoDecoded;
import dev.idstream.face.ProjectPaths;
import dev.idstream.face.video.VideoReader;
import dev.idstream.features.FeaturesStage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tiny request through the model steps of detect → features → denoise → decode, the generation stages serving the
 * float16 bundle (models/generator-tiny-fp16) with the code that serves float32: a real portrait in, a playable MP4 out.
 */
class Float16GeneratorRequestTest {

    @TempDir
    Path dir;

    @Test
    void shouldMakeAPlayableVideoWhenTheGeneratorBundleIsFloat16() throws Exception {
        Path portrait = ProjectPaths.sharedData().resolve("portraits/d9.jpg");
        assumeTrue(Files.isRegularFile(portrait), "shared test data is absent: " + portrait);
        String id = "fp16-request";
        // one bundle shared by the three generation stages, as a deployment running them in one process would
        try (GeneratorBundle fp16 = GeneratorBundle.load(new GeneratorSettings(CommittedBundles.folder("generator-tiny-fp16")),
                OrtSettings.cpu(2));
             LocalStageContext context = LocalStageContext.start(dir.resolve("s3"));
             DetectStage detect = DetectStage.create(FaceSettings.defaults(), OrtSettings.cpu(2));
             FeaturesStage features = new FeaturesStage(fp16, FaceSettings.defaults());
             DenoiseStage denoise = new DenoiseStage(fp16);
             DecodeStage decode = new DecodeStage(fp16)) {
            LocalStageContext.Request detectCtx = context.request(id, "detect");
            GenerationRequested request = TransformStage.request(context.artifacts(), id, Files.readAllBytes(portrait),
                    "a person smiling", detectCtx.traceparent());
            detect.validate(request, detectCtx);
            FaceDetected faces = detect.process(request, detectCtx);
            TokensFused tokens = step(features, faces, context.request(id, "features"));
            LatentsDenoised latents = step(denoise, tokens, context.request(id, "denoise"));
            VideoDecoded video = step(decode, latents, context.request(id, "decode"));

            assertThat(tokens.getIdTokens().getDtype()).as("V_F artifact").isEqualTo("F32");
            assertThat(latents.getLatents().getDtype()).as("latents artifact").isEqualTo("F32");
            assertThat(latents.getGenerator()).isEqualTo("idstream-generator-tiny-fp16 0.1.0");
            Path mp4 = dir.resolve("video.mp4");
            Files.write(mp4, context.artifacts().get(video.getVideo()));
            assertThat(VideoReader.countFrames(mp4)).as("frames FFmpeg decodes from the MP4").isEqualTo(9);
            assertThat(video.getWidth()).isEqualTo(96);
            assertThat(video.getHeight()).isEqualTo(64);
        }
    }

    private static <I extends SpecificRecord, O extends SpecificRecord> O step(Stage<I, O> stage, I in, LocalStageContext.Request ctx) throws Exception {
        stage.validate(in, ctx);
        return stage.process(in, ctx);
    }
}
