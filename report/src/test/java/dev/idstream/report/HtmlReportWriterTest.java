package dev.idstream.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.events.VideoMetrics;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page from hand-built events: escaping, "not measured" cells, evaluators kept apart, nothing external. */
class HtmlReportWriterTest {

    private static final String EVALUATOR_A = "idstream-face@1.0.0";
    private static final String EVALUATOR_B = "other-face@2.0.0";

    private static String render(List<VideoMetrics> metrics, List<dev.idstream.events.MetricsSummary> summaries) {
        EvalSetReport report = new ReportAssembler(VideoMedia.none("not rendered in this test"))
                .assemble("set-1", new ReportInputs(metrics, summaries, Map.of(), List.of()));
        return new HtmlReportWriter().write(report);
    }

    @Test
    void shouldEscapeEveryStringThatComesFromAnEvent() {
        VideoMetrics hostile = Events.metrics("req-<1>", "<script>alert('v')</script>", EVALUATOR_A, 0.5, 0.9, 120.0, 0.4)
                .setLabel("\"quoted\" & <b>bold</b>")
                .setEvalSetId("set-1")
                .build();
        hostile.getSettings().put("detector", "<img src=x onerror=alert(1)>");

        String html = render(List.of(hostile), List.of());

        assertThat(html).doesNotContain("<script>", "<b>bold</b>", "<img src=x", "req-<1>")
                .contains("&lt;script&gt;alert(&#39;v&#39;)&lt;/script&gt;")
                .contains("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;")
                .contains("&lt;img src=x onerror=alert(1)&gt;")
                .contains("req-&lt;1&gt;");
    }

    @Test
    void shouldShowADashForScoresThatWereNotMeasuredAndNeverZero() {
        VideoMetrics noFace = Events.metrics("r1", "v1", EVALUATOR_A, null, null, null, null).build();

        String html = render(List.of(noFace), List.of());

        String row = tableRow(html, "v1");
        assertThat(row).contains("100.0%").doesNotContain("0.000");
        assertThat(occurrences(row, "—")).isEqualTo(5); // RS, IFS, FID, FM, FM normalised
        assertThat(row).contains("n/a"); // no summary: no set-level FID
        assertThat(html).contains("No MetricsSummary for this set");
    }

    @Test
    void shouldSeparateEvaluatorsAndSayLoudlyThatTheSetMixesThem() {
        String html = render(List.of(
                Events.metrics("r1", "v1", EVALUATOR_A, 0.61, 0.95, 130.0, 0.5).build(),
                Events.metrics("r1", "v1", EVALUATOR_B, 0.31, 0.90, 150.0, 0.5).build(),
                Events.metrics("r2", "v1", EVALUATOR_B, 0.33, 0.91, 151.0, 0.6).build()), List.of());

        assertThat(html).contains("Mixed evaluators — do not compare across sections")
                .contains("<code>idstream-face@1.0.0</code> (1 videos)", "<code>other-face@2.0.0</code> (2 videos)");
        List<String> sections = sections(html);
        assertThat(sections).hasSize(2);
        assertThat(sections.get(0)).contains(EVALUATOR_A, "0.610").doesNotContain("0.310", "0.320");
        assertThat(sections.get(1)).contains(EVALUATOR_B, "0.320").doesNotContain("0.610");
    }

    @Test
    void shouldTakeTheTableFromTheStreamingAggregateWithItsSetFid() {
        String html = render(List.of(
                        Events.metrics("r1", "v1", EVALUATOR_A, 0.6, 0.95, 130.0, 0.5).build(),
                        Events.metrics("r2", "v1", EVALUATOR_A, 0.7, 0.96, 131.0, 0.7).build()),
                List.of(Events.summary("v1", EVALUATOR_A, 3, 0.42, 212.34)));

        String row = tableRow(html, "v1");
        assertThat(row).contains("0.420", "212.3", "streaming aggregate")
                .contains("the streaming aggregate counts 3 videos, the metrics topic holds 2");
        assertThat(html).doesNotContain("No MetricsSummary for this set");
    }

    @Test
    void shouldBeSelfContainedWithNoUrlsAndNoScripts() {
        String html = render(List.of(Events.metrics("r1", "v1", EVALUATOR_A, 0.6, 0.95, 130.0, 0.5).build()), List.of());

        assertThat(html).doesNotContainIgnoringCase("http:").doesNotContainIgnoringCase("https:")
                .doesNotContainIgnoringCase("<script").doesNotContain("url(").doesNotContain("@import")
                .contains("<svg", "Paper reference values", "not comparable", "128-d dlib ResNet");
    }

    @Test
    void shouldListSettingsSharedByAllVideosOnceAndNameThoseThatVary() {
        String html = render(List.of(
                Events.metrics("r1", "v1", EVALUATOR_A, 0.6, 0.95, 130.0, 0.5).build(),
                Events.metrics("r22", "v1", EVALUATOR_A, 0.7, 0.96, 131.0, 0.7).build()), List.of());

        assertThat(html).contains("<tr><th>fidMode</th><td>per-frame</td></tr>")
                .contains("<code>framesDecoded</code> (shown with each video)")
                .contains("<dt>framesDecoded</dt><dd>42</dd>", "<dt>framesDecoded</dt><dd>43</dd>");
    }

    private static String tableRow(String html, String version) {
        Matcher m = Pattern.compile("<tr><td class=\"left version\"><span class=\"chip\">.*?</span>" + Pattern.quote(version) + "</span>.*?</tr>")
                .matcher(html);
        assertThat(m.find()).as("a table row for " + version).isTrue();
        return m.group();
    }

    private static List<String> sections(String html) {
        return Pattern.compile("<section class=\"evaluator\">.*?</section>", Pattern.DOTALL).matcher(html).results()
                .map(java.util.regex.MatchResult::group).toList();
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
