package dev.idstream.cli.eval;

import dev.idstream.cli.RequestClient;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.GenerationRequested;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes one {@code GenerationRequested} per row of an evaluation set, the way {@code submit} does (upload the
 * reference, then publish), with the set's name as evaluation-set id and the given model version. Every other
 * generation parameter is the request default, so runs of one set with different model versions compare like for like.
 */
public final class EvalSetReplay {

    private final RequestClient client;

    public EvalSetReplay(RequestClient client) {
        this.client = client;
    }

    /** @return the published requests, in row order */
    public List<GenerationRequested> publish(EvalSet set, String modelVersion, ReplayIds ids) throws Exception {
        List<GenerationRequested> published = new ArrayList<>();
        for (EvalSet.Row row : set.rows()) {
            String requestId = ids.requestId(set.name() + "/line-" + row.line());
            ArtifactRef reference = client.upload(requestId, row.reference());
            GenerationParams params = GenerationParams.newBuilder()
                    .setPrompt(row.prompt())
                    .setModelVersion(modelVersion)
                    .setEvalSetId(set.name())
                    .setLabel(row.label())
                    .build();
            GenerationRequested.Builder request = GenerationRequested.newBuilder(client.request(requestId, reference, params));
            if (row.referenceVideo() != null) {
                request.setReferenceVideo(client.uploadReferenceVideo(requestId, row.referenceVideo()));
            }
            GenerationRequested event = request.build();
            client.publish(event);
            published.add(event);
        }
        return published;
    }
}
