package dev.idstream.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.idstream.core.StageException;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.FailureReason;
import dev.idstream.events.ShapeEdits;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanonicalMeshTest {

    /** A face-like canonical mesh (x right, y up, z to the viewer) with the landmarks the frame is built from. */
    static float[] canonicalFace() {
        Random r = new Random(11);
        float[] m = new float[468 * 3];
        for (int i = 0; i < 468; i++) {
            double theta = r.nextDouble() * Math.PI - Math.PI / 2;
            double y = r.nextDouble() * 2 - 1;
            m[3 * i] = (float) (0.7 * Math.sin(theta) * Math.sqrt(1 - y * y * 0.5));
            m[3 * i + 1] = (float) y;
            m[3 * i + 2] = (float) (0.5 * Math.cos(theta));
        }
        set(m, CanonicalMesh.RIGHT_EYE_OUTER, -0.5, 0.3, 0.2);
        set(m, CanonicalMesh.LEFT_EYE_OUTER, 0.5, 0.3, 0.2);
        set(m, CanonicalMesh.FOREHEAD, 0, 1, 0.3);
        set(m, CanonicalMesh.CHIN, 0, -1, 0.3);
        set(m, CanonicalMesh.UPPER_LIP, 0, -0.4, 0.45);
        set(m, CanonicalMesh.LOWER_LIP, 0, -0.5, 0.45);
        return m;
    }

    private static void set(float[] m, int i, double x, double y, double z) {
        m[3 * i] = (float) x;
        m[3 * i + 1] = (float) y;
        m[3 * i + 2] = (float) z;
    }

    /** The face turned by yaw/pitch/roll, scaled and placed in an image as FaceMesh reports it (y down, z away). */
    static float[] inImage(float[] canonical, double yaw, double pitch, double roll, double scale, double cx, double cy) {
        double[][] ry = {{Math.cos(yaw), 0, Math.sin(yaw)}, {0, 1, 0}, {-Math.sin(yaw), 0, Math.cos(yaw)}};
        double[][] rx = {{1, 0, 0}, {0, Math.cos(pitch), -Math.sin(pitch)}, {0, Math.sin(pitch), Math.cos(pitch)}};
        double[][] rz = {{Math.cos(roll), -Math.sin(roll), 0}, {Math.sin(roll), Math.cos(roll), 0}, {0, 0, 1}};
        float[] out = new float[canonical.length];
        for (int i = 0; i < 468; i++) {
            double[] p = {canonical[3 * i], canonical[3 * i + 1], canonical[3 * i + 2]};
            p = mul(rz, mul(rx, mul(ry, p)));
            out[3 * i] = (float) (cx + scale * p[0]);
            out[3 * i + 1] = (float) (cy - scale * p[1]);
            out[3 * i + 2] = (float) (-scale * p[2]);
        }
        return out;
    }

    private static double[] mul(double[][] m, double[] v) {
        return new double[] {m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
                m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2], m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]};
    }

    @Test
    void shouldRemoveHeadPoseScaleAndPositionWhenNormalizing() {
        float[] face = canonicalFace();
        float[] frontal = CanonicalMesh.normalize(inImage(face, 0, 0, 0, 200, 256, 256));
        float[] turned = CanonicalMesh.normalize(inImage(face, 0.5, -0.3, 0.2, 120, 300, 180));

        for (int i = 0; i < frontal.length; i++) {
            assertThat(turned[i]).as("coordinate %d", i).isCloseTo(frontal[i], within(1e-4f));
        }
        float max = 0;
        for (float v : frontal) {
            max = Math.max(max, Math.abs(v));
        }
        assertThat(max).isCloseTo(1f, within(1e-6f));
        // y up: the forehead is above the chin; x right: the left eye (263) is on +x
        assertThat(frontal[3 * CanonicalMesh.FOREHEAD + 1]).isGreaterThan(frontal[3 * CanonicalMesh.CHIN + 1]);
        assertThat(frontal[3 * CanonicalMesh.LEFT_EYE_OUTER]).isGreaterThan(frontal[3 * CanonicalMesh.RIGHT_EYE_OUTER]);
        // z towards the viewer: the lips are in front of the mesh's centre
        assertThat(frontal[3 * CanonicalMesh.UPPER_LIP + 2]).isGreaterThan(0);
    }

    @Test
    void shouldScaleWidthAndNarrowTheChinWhenEdited() {
        float[] n = CanonicalMesh.normalize(inImage(canonicalFace(), 0, 0, 0, 200, 256, 256));
        float[] wider = CanonicalMesh.edit(n, 1.2, 1.0);
        float[] sharper = CanonicalMesh.edit(n, 1.0, 2.0);

        for (int i = 0; i < 468; i++) {
            assertThat(wider[3 * i]).isCloseTo(n[3 * i] * 1.2f, within(1e-5f));
            assertThat(wider[3 * i + 1]).isEqualTo(n[3 * i + 1]);
            double mouthY = (n[3 * CanonicalMesh.UPPER_LIP + 1] + n[3 * CanonicalMesh.LOWER_LIP + 1]) / 2;
            if (n[3 * i + 1] >= mouthY) {
                assertThat(sharper[3 * i]).isEqualTo(n[3 * i]);
            } else {
                assertThat(Math.abs(sharper[3 * i])).isLessThanOrEqualTo(Math.abs(n[3 * i]));
            }
        }
    }

    @Test
    void shouldFailClearlyWhenTheMeshTensorIsWrong() {
        Tensor wrong = Tensor.ofFloats(new long[] {68, 2}, new float[136]);
        assertThatThrownBy(() -> FeaturesStage.vertices(Map.of("points", wrong), null))
                .isInstanceOf(StageException.BadInput.class)
                .hasMessageContaining("'points' [468, 3]; it holds F32 [68, 2]");
        Tensor flat = Tensor.ofFloats(new long[] {468, 3}, new float[468 * 3]);
        assertThatThrownBy(() -> FeaturesStage.vertices(Map.of("points", flat), null))
                .hasMessageContaining("degenerate");
    }

    @Test
    void shouldRefuseShapeEditsOutsideTheirRange() {
        var params = dev.idstream.events.GenerationParams.newBuilder().setPrompt("p")
                .setShapeEdits(ShapeEdits.newBuilder().setFaceWidth(3f).build()).build();
        assertThatThrownBy(() -> FeaturesStage.checkEdits(params))
                .satisfies(e -> assertThat(((StageException) e).reason()).isEqualTo(FailureReason.LIMIT_EXCEEDED))
                .hasMessage("shapeEdits.faceWidth is 3.0; it must be in [0.5, 1.5]");
    }
}
