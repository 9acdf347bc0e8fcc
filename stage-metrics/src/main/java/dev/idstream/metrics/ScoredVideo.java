package dev.idstream.metrics;

/** A video's scores against a reference, with the frame counts behind them (null score: not measurable). */
public record ScoredVideo(int frameCount, int width, int height, int framesSampled, int framesScored, Double rs, Double ifs,
                          Double fidPerFrame, Double fm, Double fmNormalized) {
}
