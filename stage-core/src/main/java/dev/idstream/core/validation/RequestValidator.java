package dev.idstream.core.validation;

import dev.idstream.core.InputLimits;
import dev.idstream.core.StageException;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationParams;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks every parameter of a generation request against {@link InputLimits}. All problems are reported
 * together, each naming the value and the allowed range, so a user fixes the request in one go.
 */
public final class RequestValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@/-]{1,128}");
    /** The VAE compresses space by 8 and the DiT patches by 2: sizes must be multiples of 16. */
    public static final int SIZE_MULTIPLE = 16;
    /** Largest long a JavaScript consumer (Confluent's JS client) reads without precision loss: 2^53 - 2. */
    public static final long MAX_SEED = (1L << 53) - 2;
    /** Every over-limit message says "the limit is"; the failure reason is derived from it. */
    private static final String LIMIT_WORD = "the limit";

    private final InputLimits limits;

    public RequestValidator(InputLimits limits) {
        this.limits = limits;
    }

    public void validate(GenerationParams p) throws StageException.BadInput {
        List<String> problems = new ArrayList<>();
        text("prompt", p.getPrompt(), true, problems);
        text("negative prompt", p.getNegativePrompt(), false, problems);
        if (p.getSeed() < 0 || p.getSeed() > MAX_SEED) {
            problems.add("seed is " + p.getSeed() + ", it must be between 0 and " + MAX_SEED + " (JavaScript consumers cannot read larger values)");
        }
        range("frames", p.getFrames(), 1, limits.maxFrames(), problems);
        range("steps", p.getSteps(), 1, limits.maxSteps(), problems);
        range("fps", p.getFps(), 1, limits.maxFps(), problems);
        size("width", p.getWidth(), limits.maxWidth(), problems);
        size("height", p.getHeight(), limits.maxHeight(), problems);
        float g = p.getGuidanceScale();
        if (!Float.isFinite(g) || g < 0 || g > limits.maxGuidanceScale()) {
            problems.add("guidance scale is " + g + ", it must be between 0 and " + limits.maxGuidanceScale());
        }
        name("model version", p.getModelVersion(), problems);
        if (p.getEvalSetId() != null) {
            name("evaluation set id", p.getEvalSetId(), problems);
        }
        if (p.getIdentityMix() != null) {
            float w = p.getIdentityMix().getWeight();
            if (!Float.isFinite(w) || w < 0 || w > 1) {
                problems.add("identity mix weight is " + w + ", it must be between 0 and 1");
            }
        }
        if (p.getShapeEdits() != null) {
            factor("face width edit", p.getShapeEdits().getFaceWidth(), problems);
            factor("jaw sharpness edit", p.getShapeEdits().getJawSharpness(), problems);
        }
        if (!problems.isEmpty()) {
            // Over-limit values are the common abuse case; report them as such for dashboards.
            boolean overLimit = problems.stream().anyMatch(m -> m.contains(LIMIT_WORD));
            throw new StageException.BadInput(overLimit ? FailureReason.LIMIT_EXCEEDED : FailureReason.BAD_INPUT,
                    "invalid request: " + String.join("; ", problems));
        }
    }

    private void text(String what, String value, boolean required, List<String> problems) {
        if (value == null || value.isBlank()) {
            if (required) {
                problems.add(what + " is empty");
            }
            return;
        }
        int chars = value.codePointCount(0, value.length());
        if (chars > limits.maxPromptChars()) {
            problems.add(String.format("%s is %,d characters, the limit is %,d", what, chars, limits.maxPromptChars()));
        }
    }

    private static void range(String what, int value, int min, int max, List<String> problems) {
        if (value < min || value > max) {
            problems.add(what + " is " + value + ", it must be between " + min + " and " + max
                    + (value > max ? " (the limit)" : ""));
        }
    }

    private static void size(String what, int value, int max, List<String> problems) {
        if (value < SIZE_MULTIPLE || value > max) {
            problems.add(what + " is " + value + " pixels, it must be between " + SIZE_MULTIPLE + " and " + max + " (the limit)");
        } else if (value % SIZE_MULTIPLE != 0) {
            problems.add(what + " is " + value + " pixels, it must be a multiple of " + SIZE_MULTIPLE);
        }
    }

    private static void factor(String what, float value, List<String> problems) {
        if (!Float.isFinite(value) || value < 0.5f || value > 1.5f) {
            problems.add(what + " is " + value + ", it must be between 0.5 and 1.5");
        }
    }

    private static void name(String what, String value, List<String> problems) {
        if (value == null || !NAME.matcher(value).matches()) {
            problems.add(what + " '" + abbreviate(value) + "' must be 1-128 characters of letters, digits and ._:@/-");
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
