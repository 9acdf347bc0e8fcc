package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HeadPoseTest {

    /** Below this, a face is frontal and its yaw sign is noise, so mirroring cannot be judged on it. */
    private static final double MIN_TURN_DEGREES = 5;

    private static HeadPose pose(RgbImage image) {
        return FaceToolkitFixture.analyzer().analyzeLargestWithRetry(image).orElseThrow().pose();
    }

    @Test
    void shouldFlipYawSignWhenImageIsMirrored() {
        int judged = 0;
        for (String set : new String[] {"portraits", "faces"}) {
            for (Path p : SharedData.files(set)) {
                RgbImage image = SharedData.image(p);
                HeadPose pose = pose(image);
                if (Math.abs(pose.yaw()) < MIN_TURN_DEGREES) {
                    continue;
                }
                HeadPose mirrored = pose(image.mirrored());
                System.out.printf("%s: yaw %.1f, mirrored %.1f%n", p.getFileName(), pose.yaw(), mirrored.yaw());
                assertThat(Math.signum(mirrored.yaw())).as("yaw sign of mirrored %s", p.getFileName()).isEqualTo(-Math.signum(pose.yaw()));
                judged++;
            }
        }
        assertThat(judged).as("images turned by at least %s degrees", MIN_TURN_DEGREES).isGreaterThanOrEqualTo(10);
    }

    @Test
    void shouldKeepAnglesWithinThreeDegreesWhenImageIsHalved() {
        for (Path p : SharedData.files("portraits")) {
            RgbImage image = SharedData.image(p);
            HeadPose full = pose(image);
            HeadPose half = pose(halvedByJava2d(image));
            System.out.printf("%s: yaw %.1f/%.1f pitch %.1f/%.1f roll %.1f/%.1f%n", p.getFileName(),
                    full.yaw(), half.yaw(), full.pitch(), half.pitch(), full.roll(), half.roll());
            assertThat(half.yaw()).as("yaw of halved %s", p.getFileName()).isCloseTo(full.yaw(), org.assertj.core.data.Offset.offset(3.0));
            assertThat(half.pitch()).as("pitch of halved %s", p.getFileName()).isCloseTo(full.pitch(), org.assertj.core.data.Offset.offset(3.0));
            assertThat(half.roll()).as("roll of halved %s", p.getFileName()).isCloseTo(full.roll(), org.assertj.core.data.Offset.offset(3.0));
        }
    }

    /**
     * Halved with Java2D's bilinear scaling, not with {@link RgbImage#resize}: the toolkit's own 2x area
     * halving would give the detector and mesh bit-identical inputs for large faces, and prove nothing.
     */
    private static RgbImage halvedByJava2d(RgbImage image) {
        java.awt.image.BufferedImage half = new java.awt.image.BufferedImage(image.width() / 2, image.height() / 2,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = half.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image.toBufferedImage(), 0, 0, half.getWidth(), half.getHeight(), null);
        g.dispose();
        return RgbImage.of(half);
    }

    @Test
    void shouldReportYawPositiveWhenFaceTurnsTowardsImageLeft() {
        // Vermeer's girl looks over her shoulder with her face turned towards the image's left
        RgbImage girl = SharedData.image(SharedData.dir("portraits").resolve("girl_with_pearl_earring.jpg"));

        assertThat(pose(girl).yaw()).isGreaterThan(20);
    }
}
