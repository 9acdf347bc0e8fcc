package dev.idstream.features;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.core.config.FaceSettings;
import dev.idstream.core.config.GeneratorSettings;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.DetectedFace;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.IdentityMix;
import dev.idstream.events.ShapeEdits;
import dev.idstream.events.TokensFused;
import dev.idstream.face.FaceBundles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * features: builds the ID descriptor V_F once per request from the chosen face's aligned crop and its FaceMesh
 * points ({@link CanonicalMesh}: pose removed, shape edits applied), through the generator bundle's image and id
 * encoders ({@link IdDescriptorEncoder}), and writes it as safetensors tensor {@code id_tokens},
 * F32 {@code [tokens, width]} whatever the generator bundle's precision.
 *
 * <p>Identity mixing (ID-Animator §4.3.2) blends V_F with the descriptor of {@code identityMix.secondReference}, an
 * image detect never sees: this stage runs the face path on it ({@link SecondReferenceFace}: largest face, aligned
 * crop, FaceMesh), with the same shape edits, and fails with {@code NO_FACE} when it holds no face.
 */
public final class FeaturesStage implements Stage<FaceDetected, TokensFused> {

    static final float MIN_EDIT = 0.5f;
    static final float MAX_FACE_WIDTH = 1.5f;
    static final float MAX_JAW_SHARPNESS = 2.0f;

    private final GeneratorBundle bundle;
    private final SecondReferenceFace secondFaces;

    /**
     * A loaded generator bundle (its roles opened now); the face bundle is loaded on the first identity mix and runs on
     * the generator bundle's runtime (same device and threads).
     */
    public FeaturesStage(GeneratorBundle bundle, FaceSettings faces) {
        this.bundle = bundle.open(Role.IMAGE_ENCODER, Role.ID_ENCODER);
        this.secondFaces = new SecondReferenceFace(() -> FaceBundles.loadOrPrepareDefault(faces.bundle()), bundle.runtime());
    }

    /** The stage as deployed: the configured generator bundle (its roles opened now) and face bundle, run with {@code onnx}. */
    public static FeaturesStage create(FaceSettings faces, GeneratorSettings generator, OrtSettings onnx) {
        return new FeaturesStage(GeneratorBundle.load(generator, onnx), faces);
    }

    @Override
    public String name() {
        return "features";
    }

    @Override
    public String inputTopic() {
        return Topics.FACES;
    }

    @Override
    public Class<FaceDetected> inputType() {
        return FaceDetected.class;
    }

    @Override
    public String outputTopic() {
        return Topics.TOKENS;
    }

    @Override
    public void validate(FaceDetected in, StageContext ctx) throws StageException {
        if (in.getFaces().isEmpty()) {
            throw new StageException.BadInput(FailureReason.NO_FACE, "no face found in the reference image: the "
                    + "detect result lists no face, and the ID descriptor needs one face's aligned crop and 3D mesh");
        }
        if (in.getFaces().get(0).getMesh() == null) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the detected face has no FaceMesh points "
                    + "(mesh); the generator's 3D branch needs them");
        }
        checkEdits(in.getParams());
    }

    static void checkEdits(GenerationParams p) throws StageException.BadInput {
        ShapeEdits edits = p.getShapeEdits();
        if (edits != null) {
            checkRange("shapeEdits.faceWidth", edits.getFaceWidth(), MIN_EDIT, MAX_FACE_WIDTH);
            checkRange("shapeEdits.jawSharpness", edits.getJawSharpness(), MIN_EDIT, MAX_JAW_SHARPNESS);
        }
        IdentityMix mix = p.getIdentityMix();
        if (mix != null) {
            checkRange("identityMix.weight", mix.getWeight(), 0, 1);
        }
    }

    private static void checkRange(String name, float value, float min, float max) throws StageException.BadInput {
        if (!(value >= min && value <= max)) {
            throw new StageException.BadInput(FailureReason.LIMIT_EXCEEDED, name + " is " + value + "; it must be in ["
                    + min + ", " + max + "]");
        }
    }

    @Override
    public TokensFused process(FaceDetected in, StageContext ctx) throws Exception {
        ctx.artifacts().get(in.getImage()); // the I2V reference: verify it before passing it on
        DetectedFace face = in.getFaces().get(0);
        ShapeEdits edits = in.getParams().getShapeEdits();
        float[] vertices = vertices(ctx.artifacts().getTensors(face.getMesh()), edits);
        IdDescriptorEncoder encoder = new IdDescriptorEncoder(bundle);
        Tensor descriptor = encoder.encode(readImage(ctx.artifacts().get(face.getAlignedCrop()), "aligned face crop"), vertices);
        IdentityMix mix = in.getParams().getIdentityMix();
        if (mix != null) {
            BufferedImage image = readImage(ctx.artifacts().get(mix.getSecondReference()), "second reference (identityMix)");
            SecondReferenceFace.Face second = secondFaces.find(image).orElseThrow(() -> new StageException.BadInput(
                    FailureReason.NO_FACE, "no face found in the second reference image (identityMix.secondReference)"));
            descriptor = IdDescriptorEncoder.mix(descriptor,
                    encoder.encode(second.alignedCrop(), canonicalVertices(second.points(), edits)), mix.getWeight());
        }
        return TokensFused.newBuilder()
                .setRequestId(in.getRequestId())
                .setTraceparent(ctx.traceparent())
                .setCreatedAt(Instant.now())
                .setParams(in.getParams())
                .setReference(in.getReference())
                .setReferenceImage(in.getImage())
                .setIdTokens(ctx.artifacts().putTensors(ctx.key("id_tokens.safetensors"), Map.of("id_tokens", descriptor)))
                .build();
    }

    static float[] vertices(Map<String, Tensor> mesh, ShapeEdits edits) throws StageException.BadInput {
        Tensor points = mesh.get("points");
        if (points == null || points.dtype() != Tensor.DType.F32
                || !Arrays.equals(points.shape(), new long[] {CanonicalMesh.POINTS, 3})) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the mesh artifact must hold an F32 tensor "
                    + "'points' [468, 3]; it holds " + (points == null ? mesh.keySet()
                    : points.dtype() + " " + Arrays.toString(points.shape())));
        }
        return canonicalVertices(points.toFloatArray(), edits);
    }

    private static float[] canonicalVertices(float[] points, ShapeEdits edits) throws StageException.BadInput {
        float[] canonical;
        try {
            canonical = CanonicalMesh.normalize(points);
        } catch (IllegalArgumentException e) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, e.getMessage(), e);
        }
        return edits == null ? canonical : CanonicalMesh.edit(canonical, edits.getFaceWidth(), edits.getJawSharpness());
    }

    private static BufferedImage readImage(byte[] bytes, String what) throws StageException.BadInput {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new StageException.BadInput(FailureReason.BAD_INPUT, "the " + what + " is not a readable image");
            }
            return image;
        } catch (IOException e) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the " + what + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        secondFaces.close();
        bundle.close();
    }
}
