package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FarthestPoseSelectionTest {

    private static HeadPose pose(double yaw, double pitch, double roll) {
        return new HeadPose(yaw, pitch, roll);
    }

    @Test
    void shouldStartFromTheMostFrontalPoseAndThenTakeTheExtremes() {
        List<HeadPose> poses = List.of(
                pose(10, 0, 0),   // 0
                pose(2, 1, 0),    // 1: most frontal
                pose(40, 0, 0),   // 2: far right
                pose(-35, 0, 0),  // 3: far left
                pose(5, 25, 0),   // 4: looking up
                pose(38, 2, 0));  // 5: next to 2

        assertThat(FarthestPoseSelection.select(poses, 4)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void shouldExtendASetThatAlreadyHoldsTheMainReferenceFace() {
        HeadPose main = pose(30, 0, 0);
        List<HeadPose> candidates = List.of(pose(29, 1, 0), pose(-30, 0, 0), pose(0, 0, 0), pose(0, 0, 20));

        // -30 is farthest from 30; then (0,0,20) (distance 36 to both) beats (0,0,0) (distance 30)
        assertThat(FarthestPoseSelection.selectAfter(List.of(main), candidates, 2)).containsExactly(1, 3);
    }

    @Test
    void shouldReturnEveryCandidateWhenMoreAreAskedForThanThereAre() {
        List<HeadPose> poses = List.of(pose(0, 0, 0), pose(20, 0, 0), pose(-20, 0, 0));

        assertThat(FarthestPoseSelection.select(poses, 10)).containsExactlyInAnyOrder(0, 1, 2).startsWith(0);
        assertThat(FarthestPoseSelection.selectAfter(List.of(pose(5, 5, 5)), poses, 10)).hasSize(3);
        assertThat(FarthestPoseSelection.select(List.of(), 6)).isEmpty();
        assertThat(FarthestPoseSelection.select(poses, 0)).isEmpty();
    }

    @Test
    void shouldTakeADuplicatePoseOnlyWhenNothingElseIsLeft() {
        List<HeadPose> poses = List.of(pose(0, 0, 0), pose(0, 0, 0), pose(20, 0, 0), pose(20, 0, 0), pose(1, 0, 0));

        List<Integer> chosen = FarthestPoseSelection.select(poses, 5);

        assertThat(chosen.subList(0, 3)).containsExactly(0, 2, 4);
        assertThat(chosen.subList(3, 5)).as("duplicates last, earlier first").containsExactly(1, 3);
    }

    @Test
    void shouldBreakTiesByTheEarlierCandidate() {
        List<HeadPose> symmetric = List.of(pose(0, 0, 0), pose(-20, 0, 0), pose(20, 0, 0), pose(0, 20, 0), pose(0, -20, 0));

        assertThat(FarthestPoseSelection.select(symmetric, 3)).containsExactly(0, 1, 2);
        assertThat(FarthestPoseSelection.selectAfter(List.of(pose(0, 0, 0)), symmetric.subList(1, 5), 1)).containsExactly(0);
    }

    @Test
    void shouldGiveTheSameSetForTheSameInputAndNeverPickTheSameCandidateTwice() {
        Random random = new Random(7);
        List<HeadPose> poses = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            poses.add(pose(random.nextGaussian() * 20, random.nextGaussian() * 10, random.nextGaussian() * 5));
        }

        List<Integer> first = FarthestPoseSelection.select(poses, 6);

        assertThat(FarthestPoseSelection.select(new ArrayList<>(poses), 6)).isEqualTo(first);
        assertThat(first).doesNotHaveDuplicates().hasSize(6);
    }

    @Test
    void shouldSpreadPosesMoreThanTheSameNumberOfRandomlyPickedFaces() {
        Random random = new Random(11);
        List<HeadPose> poses = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            poses.add(pose(random.nextGaussian() * 15, random.nextGaussian() * 8, random.nextGaussian() * 4));
        }
        double chosenSpread = minPairwise(poses, FarthestPoseSelection.select(poses, 6));
        List<Integer> shuffled = new ArrayList<>();
        for (int i = 0; i < poses.size(); i++) {
            shuffled.add(i);
        }
        int beaten = 0;
        for (int trial = 0; trial < 100; trial++) {
            Collections.shuffle(shuffled, random);
            if (chosenSpread > minPairwise(poses, shuffled.subList(0, 6))) {
                beaten++;
            }
        }
        assertThat(beaten).as("random 6-subsets with a smaller minimum pairwise pose distance").isEqualTo(100);
    }

    @Test
    void shouldRefuseToExtendAnEmptySet() {
        assertThatThrownBy(() -> FarthestPoseSelection.selectAfter(List.of(), List.of(pose(0, 0, 0)), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double minPairwise(List<HeadPose> poses, List<Integer> picked) {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < picked.size(); i++) {
            for (int j = i + 1; j < picked.size(); j++) {
                min = Math.min(min, FarthestPoseSelection.distance(poses.get(picked.get(i)), poses.get(picked.get(j))));
            }
        }
        return min;
    }
}
