package dev.idstream.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One stage instance's counters as its {@code /metrics} endpoint shows them: inputs committed and the time its steps
 * took. The difference of two scrapes is what the instance did in between.
 *
 * @param processed inputs whose output was committed
 * @param stepSeconds summed validate + process time of those inputs (a batch's inputs each count the batch's time)
 */
record StageCounters(double processed, double stepSeconds) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern PROCESSED = sample("idstream_stage_processed_total", "");
    private static final Pattern STEP_SECONDS = sample("idstream_stage_step_seconds_sum", "outcome=\"success\"");

    static StageCounters scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /metrics on port " + port + " answered " + response.statusCode());
        }
        return new StageCounters(value(PROCESSED, response.body(), 0), value(STEP_SECONDS, response.body(), 0));
    }

    StageCounters minus(StageCounters earlier) {
        return new StageCounters(processed - earlier.processed, stepSeconds - earlier.stepSeconds);
    }

    StageCounters plus(StageCounters other) {
        return new StageCounters(processed + other.processed, stepSeconds + other.stepSeconds);
    }

    /** A line {@code name{labels} value} of the Prometheus text format whose labels contain {@code label}. */
    private static Pattern sample(String name, String label) {
        return Pattern.compile("^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*\\} (\\S+)", Pattern.MULTILINE);
    }

    /** A sample not there yet (a histogram before its first observation) counts as {@code absent}. */
    private static double value(Pattern pattern, String body, double absent) {
        Matcher m = pattern.matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : absent;
    }
}
