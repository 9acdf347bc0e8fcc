package dev.idstream.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests an {@link EmbeddedPipeline} (Kafka + Schema Registry + S3), started on first use and shared by every
 * test class of the JVM (starting the registry takes seconds), stopped when the JVM's tests end.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedPipelineExtension.class)
 * class MyStageTest {
 *     @Test void shouldX(EmbeddedPipeline pipeline) { ... }
 * }
 * }</pre>
 * Tests share topics, so each should use its own request ids, stage names and input topics.
 */
public final class EmbeddedPipelineExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedPipelineExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedPipeline.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedPipeline.class, k -> SharedPipeline.start(), SharedPipeline.class)
                .pipeline;
    }

    /** Closed by JUnit with the root context, i.e. after the last test of the JVM. */
    private static final class SharedPipeline implements AutoCloseable {
        private final Path dir;
        private final EmbeddedPipeline pipeline;

        private SharedPipeline(Path dir, EmbeddedPipeline pipeline) {
            this.dir = dir;
            this.pipeline = pipeline;
        }

        static SharedPipeline start() {
            try {
                Path dir = Files.createTempDirectory("idstream-pipeline-");
                return new SharedPipeline(dir, EmbeddedPipeline.start(dir));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            pipeline.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
