package dev.idstream.core.generator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scheduler settings as diffusers names them (a bundle's {@code config.scheduler}). Only {@code scaled_linear}
 * betas and {@code trailing} spacing are implemented; other values are refused by name.
 */
public record SchedulerConfig(double betaStart, double betaEnd, int numTrainTimesteps, PredictionType predictionType,
                              boolean rescaleBetasZeroSnr, double snrShiftScale, boolean setAlphaToOne) {

    public enum PredictionType { EPSILON, V_PREDICTION }

    public SchedulerConfig {
        if (numTrainTimesteps < 2 || !(betaStart > 0) || !(betaEnd > betaStart) || betaEnd >= 1) {
            throw new IllegalArgumentException("scheduler needs 0 < beta_start < beta_end < 1 and >= 2 train steps, got "
                    + betaStart + ", " + betaEnd + ", " + numTrainTimesteps);
        }
    }

    public static SchedulerConfig scaledLinear(double betaStart, double betaEnd, int steps, PredictionType prediction,
                                               boolean zeroTerminalSnr) {
        return new SchedulerConfig(betaStart, betaEnd, steps, prediction, zeroTerminalSnr, 1.0, true);
    }

    static SchedulerConfig fromJson(JsonNode n) {
        require(n, "beta_schedule", "scaled_linear");
        require(n, "timestep_spacing", "trailing");
        String prediction = n.path("prediction_type").asText();
        PredictionType type = switch (prediction) {
            case "epsilon" -> PredictionType.EPSILON;
            case "v_prediction" -> PredictionType.V_PREDICTION;
            default -> throw new IllegalArgumentException("scheduler prediction_type '" + prediction
                    + "' is not supported; use epsilon or v_prediction");
        };
        return new SchedulerConfig(n.path("beta_start").asDouble(), n.path("beta_end").asDouble(),
                n.path("num_train_timesteps").asInt(), type, n.path("rescale_betas_zero_snr").asBoolean(false),
                n.path("snr_shift_scale").asDouble(1.0), n.path("set_alpha_to_one").asBoolean(true));
    }

    private static void require(JsonNode n, String key, String value) {
        String actual = n.path(key).asText();
        if (!value.equals(actual)) {
            throw new IllegalArgumentException("scheduler " + key + " '" + actual + "' is not supported; only '" + value + "' is");
        }
    }

    /**
     * ᾱ_t for t in [0, numTrainTimesteps), in double: betas = linspace(√start, √end, T)², cumulative product of
     * 1 − β, then CogVideoX's SNR shift and (optionally) the zero-terminal-SNR rescale of Lin et al. 2024.
     */
    public double[] alphasCumprod() {
        int n = numTrainTimesteps;
        double a = Math.sqrt(betaStart);
        double b = Math.sqrt(betaEnd);
        double[] cumprod = new double[n];
        double product = 1;
        for (int i = 0; i < n; i++) {
            double sqrtBeta = a + (b - a) * i / (n - 1);
            product *= 1 - sqrtBeta * sqrtBeta;
            cumprod[i] = product / (snrShiftScale + (1 - snrShiftScale) * product);
        }
        if (rescaleBetasZeroSnr) {
            double first = Math.sqrt(cumprod[0]);
            double last = Math.sqrt(cumprod[n - 1]);
            for (int i = 0; i < n; i++) {
                double s = (Math.sqrt(cumprod[i]) - last) * first / (first - last);
                cumprod[i] = s * s;
            }
        }
        return cumprod;
    }
}
