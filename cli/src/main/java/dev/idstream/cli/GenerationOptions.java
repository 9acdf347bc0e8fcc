package dev.idstream.cli;

import dev.idstream.events.GenerationParams;
import picocli.CommandLine.Option;

/** The request parameters a user can set; the stages validate them (this class only parses). */
final class GenerationOptions {

    @Option(names = "--prompt", required = true, description = "What the person does in the video.")
    String prompt;

    @Option(names = "--negative-prompt", defaultValue = "", description = "What to steer away from.")
    String negativePrompt;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--frames", defaultValue = "9")
    int frames;

    @Option(names = "--width", defaultValue = "96")
    int width;

    @Option(names = "--height", defaultValue = "64")
    int height;

    @Option(names = "--fps", defaultValue = "8")
    int fps;

    @Option(names = "--steps", defaultValue = "8")
    int steps;

    @Option(names = "--guidance", defaultValue = "6.0", description = "Classifier-free guidance scale.")
    float guidance;

    @Option(names = "--model-version", defaultValue = "tiny")
    String modelVersion;

    @Option(names = "--eval-set", description = "Evaluation-set id, for aggregated metrics.")
    String evalSet;

    @Option(names = "--label")
    String label;

    GenerationParams toParams() {
        return GenerationParams.newBuilder()
                .setPrompt(prompt)
                .setNegativePrompt(negativePrompt)
                .setSeed(seed)
                .setFrames(frames)
                .setWidth(width)
                .setHeight(height)
                .setFps(fps)
                .setSteps(steps)
                .setGuidanceScale(guidance)
                .setModelVersion(modelVersion)
                .setEvalSetId(evalSet)
                .setLabel(label)
                .build();
    }
}
