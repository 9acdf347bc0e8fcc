package dev.idstream.core;

/**
 * Limits on everything a request can ask for. Every stage checks what it reads against these,
 * so an absurd request fails with a message that names the limit.
 */
public record InputLimits(
        long maxImageBytes,
        int maxImageWidth,
        int maxImageHeight,
        long maxVideoBytes,
        int maxVideoSeconds,
        int maxPromptChars,
        int maxFrames,
        int maxSteps,
        int maxWidth,
        int maxHeight,
        int maxFps,
        float maxGuidanceScale) {

    public static InputLimits defaults() {
        return new InputLimits(
                20L << 20, 4096, 4096,
                200L << 20, 60,
                2000,
                257, 1000,
                4096, 4096,
                60,
                50f);
    }
}
