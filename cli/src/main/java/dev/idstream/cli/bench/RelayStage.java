package dev.idstream.cli.bench;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.events.GenerationRequested;
import java.time.Instant;

/**
 * A stage whose model step does nothing but the I/O every real step does: read its input artifact (S3 GET and
 * sha256 check) and write one of the same size (S3 PUT). What remains of a hop's latency is pipeline overhead.
 */
final class RelayStage implements Stage<GenerationRequested, GenerationRequested> {

    static final String IN = "idstream.bench-in.v1";
    static final String OUT = "idstream.bench-out.v1";

    @Override
    public String name() {
        return "relay";
    }

    @Override
    public String inputTopic() {
        return IN;
    }

    @Override
    public Class<GenerationRequested> inputType() {
        return GenerationRequested.class;
    }

    @Override
    public String outputTopic() {
        return OUT;
    }

    @Override
    public GenerationRequested process(GenerationRequested in, StageContext ctx) throws Exception {
        byte[] bytes = ctx.artifacts().get(in.getReference());
        return GenerationRequested.newBuilder(in)
                .setTraceparent(ctx.traceparent())
                .setCreatedAt(Instant.now())
                .setReference(ctx.artifacts().put(ctx.key("relayed"), bytes, in.getReference().getContentType()))
                .build();
    }
}
