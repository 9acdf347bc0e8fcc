package dev.idstream.denoise;

import dev.idstream.core.StageException;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationParams;
import java.util.ArrayList;
import java.util.List;

/**
 * Bundle-specific request checks (the generic limits are InputLimits, checked by detect): frames that fit the
 * VAE's temporal compression, sizes the DiT can patch, and a step count the scheduler can space.
 */
final class GenerationShapeCheck {

    private GenerationShapeCheck() {
    }

    static void check(GenerationParams p, GeneratorBundle bundle) throws StageException.BadInput {
        List<String> problems = new ArrayList<>(bundle.geometry().problems(p.getFrames(), p.getWidth(), p.getHeight()));
        int train = bundle.schedulerConfig().numTrainTimesteps();
        if (p.getSteps() < 1 || p.getSteps() > train) {
            problems.add("steps is " + p.getSteps() + "; this generator's scheduler allows 1.." + train);
        }
        if (!(p.getGuidanceScale() >= 0) || Float.isInfinite(p.getGuidanceScale())) {
            problems.add("guidanceScale is " + p.getGuidanceScale() + "; it must be a finite number >= 0");
        }
        if (!problems.isEmpty()) {
            throw new StageException.BadInput(FailureReason.LIMIT_EXCEEDED, "the request does not fit generator "
                    + bundle.id() + ": " + String.join("; ", problems));
        }
    }
}
