package dev.idstream.cli.eval;

import dev.idstream.cli.RequestClient;
import dev.idstream.cli.Traceparent;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.GenerationRequested;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-publishes past requests with a new request id and a new model version. The reference artifacts are kept as they
 * are (same URI and sha256: the detect stage verifies them before use), and so is every other parameter.
 */
public final class RequestReplay {

    private final RequestClient client;

    public RequestReplay(RequestClient client) {
        this.client = client;
    }

    /** @return the re-published requests, in the order given */
    public List<GenerationRequested> republish(List<GenerationRequested> past, String modelVersion, ReplayIds ids) throws Exception {
        List<GenerationRequested> published = new ArrayList<>();
        for (GenerationRequested old : past) {
            GenerationRequested again = GenerationRequested.newBuilder(old)
                    .setRequestId(ids.requestId(old.getRequestId()))
                    .setTraceparent(Traceparent.newRoot())
                    .setCreatedAt(Instant.now())
                    .setParams(GenerationParams.newBuilder(old.getParams()).setModelVersion(modelVersion).build())
                    .build();
            client.publish(again);
            published.add(again);
        }
        return published;
    }
}
