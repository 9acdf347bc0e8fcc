package dev.idstream.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.idstream.core.StageException;
import dev.idstream.core.config.FaceSettings;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.core.testing.LocalStageContext;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.DetectedFace;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.IdentityMix;
import dev.idstream.events.TokensFused;
import dev.idstream.face.ProjectPaths;
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

/** The stage on real artifacts (embedded S3) and the real tiny bundle. */
class FeaturesStageTest {

    @TempDir
    static Path dir;

    private static LocalStageContext context;
    private static FeaturesStage stage;

    @BeforeAll
    static void start() throws Exception {
        context = LocalStageContext.start(dir.resolve("s3"));
        stage = new FeaturesStage(GeneratorBundle.loadDefault(OrtRuntime.create(OrtSettings.cpu(2))), FaceSettings.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        stage.close();
        context.close();
    }

    @Test
    void shouldWriteTheIdDescriptorWhenAFaceWithMeshIsGiven() throws Exception {
        TokensFused out = run("vf-1", GenerationParams.newBuilder().setPrompt("p").build());
        Tensor vf = context.artifacts().getTensors(out.getIdTokens()).get("id_tokens");
        assertThat(vf.shape()).containsExactly(44, 64);
        assertThat(out.getIdTokens().getUri()).endsWith("requests/vf-1/features/id_tokens.safetensors");
        assertThat(out.getReferenceImage()).isEqualTo(detected("vf-1", GenerationParams.newBuilder().setPrompt("p").build()).getImage());
    }

    /** The second reference goes through the face path (face bundle, a real portrait from the shared data). */
    @Test
    void shouldKeepTheFirstIdentityWhenTheMixWeightIsZero() throws Exception {
        Path portrait = ProjectPaths.sharedData().resolve("portraits/d9.jpg");
        assumeTrue(Files.isRegularFile(portrait), "shared test data is absent: " + portrait);
        TokensFused plain = run("mix-0", GenerationParams.newBuilder().setPrompt("p").build());
        ArtifactRef second = context.artifacts().put(context.request("mix-0", "upload").key("second.jpg"),
                Files.readAllBytes(portrait), "image/jpeg");
        TokensFused none = run("mix-0", GenerationParams.newBuilder().setPrompt("p")
                .setIdentityMix(IdentityMix.newBuilder().setSecondReference(second).setWeight(0f).build()).build());
        TokensFused half = run("mix-0", GenerationParams.newBuilder().setPrompt("p")
                .setIdentityMix(IdentityMix.newBuilder().setSecondReference(second).setWeight(0.5f).build()).build());

        assertThat(none.getIdTokens().getSha256()).isEqualTo(plain.getIdTokens().getSha256());
        assertThat(half.getIdTokens().getSha256()).isNotEqualTo(plain.getIdTokens().getSha256());
    }

    @Test
    void shouldFailWithNoFaceWhenTheSecondReferenceHasNone() throws Exception {
        ArtifactRef second = context.artifacts().put(context.request("mix-none", "upload").key("second.png"), png(image(90)), "image/png");
        assertThatThrownBy(() -> run("mix-none", GenerationParams.newBuilder().setPrompt("p")
                .setIdentityMix(IdentityMix.newBuilder().setSecondReference(second).setWeight(0.5f).build()).build()))
                .isInstanceOf(StageException.BadInput.class)
                .satisfies(e -> assertThat(((StageException) e).reason()).isEqualTo(FailureReason.NO_FACE))
                .hasMessage("no face found in the second reference image (identityMix.secondReference)");
    }

    /** The tiny generator takes one reference: of a multi-view face set, the first (main) face; the others do not change V_F. */
    @Test
    void shouldUseTheMainFaceOfAMultiViewFaceSet() throws Exception {
        GenerationParams params = GenerationParams.newBuilder().setPrompt("p").build();
        TokensFused single = run("set-1", params);
        FaceDetected one = detected("set-1", params);
        LocalStageContext.Request up = context.request("set-1", "detect");
        ArtifactRef otherCrop = context.artifacts().put(up.key("view-1-face-aligned-512.png"), png(image(120)), "image/png");
        DetectedFace view = DetectedFace.newBuilder(one.getFaces().get(0)).setAlignedCrop(otherCrop).setVideoFrame(42).setYaw(30f).build();
        FaceDetected set = FaceDetected.newBuilder(one).setFaces(List.of(one.getFaces().get(0), view)).build();

        LocalStageContext.Request ctx = context.request("set-1", "features");
        stage.validate(set, ctx);
        TokensFused fromSet = stage.process(set, ctx);
        assertThat(fromSet.getIdTokens().getSha256()).isEqualTo(single.getIdTokens().getSha256());

        FaceDetected reversed = FaceDetected.newBuilder(one).setFaces(List.of(view, one.getFaces().get(0))).build();
        assertThat(stage.process(reversed, ctx).getIdTokens().getSha256()).as("the first face is the one used")
                .isNotEqualTo(single.getIdTokens().getSha256());
    }

    @Test
    void shouldFailWithNoFaceWhenDetectListsNone() throws Exception {
        FaceDetected empty = FaceDetected.newBuilder(detected("none", GenerationParams.newBuilder().setPrompt("p").build()))
                .setFacesFound(0).setFaces(List.of()).build();
        assertThatThrownBy(() -> stage.validate(empty, context.request("none", "features")))
                .isInstanceOf(StageException.BadInput.class)
                .satisfies(e -> assertThat(((StageException) e).reason()).isEqualTo(FailureReason.NO_FACE))
                .hasMessageStartingWith("no face found in the reference image");
    }

    private static TokensFused run(String id, GenerationParams params) throws Exception {
        FaceDetected in = detected(id, params);
        LocalStageContext.Request ctx = context.request(id, "features");
        stage.validate(in, ctx);
        return stage.process(in, ctx);
    }

    private static FaceDetected detected(String id, GenerationParams params) throws Exception {
        LocalStageContext.Request up = context.request(id, "detect");
        ArtifactRef image = context.artifacts().put(up.key("image.png"), png(image(0)), "image/png");
        float[] mesh = CanonicalMeshTest.inImage(CanonicalMeshTest.canonicalFace(), 0.3, 0.1, -0.1, 150, 256, 240);
        ArtifactRef meshRef = context.artifacts().putTensors(up.key("face-mesh.safetensors"),
                Map.of("points", Tensor.ofFloats(new long[] {468, 3}, mesh)));
        DetectedFace face = DetectedFace.newBuilder().setBox(List.of(100f, 100f, 300f, 300f)).setScore(0.9f)
                .setKeypoints(List.of(1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f, 5f, 5f)).setAlignedCrop(image).setMesh(meshRef).build();
        return FaceDetected.newBuilder().setRequestId(id).setTraceparent(up.traceparent()).setCreatedAt(Instant.now())
                .setParams(params).setReference(image).setImage(image).setFacesFound(1).setFaces(List.of(face)).build();
    }

    private static BufferedImage image(int shift) {
        BufferedImage image = new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 512; y++) {
            for (int x = 0; x < 512; x++) {
                image.setRGB(x, y, ((x + shift) / 2 % 256) << 16 | (y / 2) << 8 | ((x + y + shift) / 4 % 256));
            }
        }
        return image;
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
