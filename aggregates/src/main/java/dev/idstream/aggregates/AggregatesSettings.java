package dev.idstream.aggregates;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Settings of the aggregates application beyond the shared connection ({@code StageConfig}); keys
 * {@code aggregates.application.id} [idstream-aggregates], {@code aggregates.state.dir} [&lt;tmp&gt;/idstream-aggregates],
 * {@code aggregates.set.fid.interval.ms} [10000], from the same properties file and {@code IDSTREAM_AGGREGATES_*}
 * environment variables as the rest (the environment wins).
 *
 * @param applicationId Kafka Streams application id: consumer group, transactional ids and internal topic prefix
 * @param stateDir where the local state stores live (rebuilt from their changelogs when lost)
 * @param setFidInterval how often the set-level Fréchet distance of changed summaries is recomputed
 */
public record AggregatesSettings(String applicationId, Path stateDir, Duration setFidInterval) {

    public static final String PREFIX = "aggregates.";
    private static final Set<String> KEYS = Set.of("aggregates.application.id", "aggregates.state.dir", "aggregates.set.fid.interval.ms");

    public AggregatesSettings {
        if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("aggregates.application.id must be 1-200 of A-Z a-z 0-9 . _ -, was '" + applicationId + "'");
        }
        if (stateDir == null) {
            throw new IllegalArgumentException("aggregates.state.dir is required");
        }
        if (setFidInterval == null || setFidInterval.isNegative() || setFidInterval.isZero()) {
            throw new IllegalArgumentException("aggregates.set.fid.interval.ms must be positive, was " + setFidInterval);
        }
    }

    public static AggregatesSettings defaults() {
        return new AggregatesSettings("idstream-aggregates", Path.of(System.getProperty("java.io.tmpdir"), "idstream-aggregates"),
                Duration.ofSeconds(10));
    }

    /** @param propertiesFile may be null (environment only) */
    public static AggregatesSettings load(Path propertiesFile, Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        if (propertiesFile != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read configuration file " + propertiesFile + ": " + e.getMessage(), e);
            }
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k).trim()));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith("IDSTREAM_AGGREGATES_")) {
                values.put(name.substring("IDSTREAM_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return fromMap(values);
    }

    public static AggregatesSettings fromMap(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (key.startsWith(PREFIX) && !KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key " + key + " (known: " + String.join(", ", KEYS) + ")");
            }
        }
        AggregatesSettings d = defaults();
        String interval = values.get("aggregates.set.fid.interval.ms");
        Duration setFidInterval;
        try {
            setFidInterval = interval == null ? d.setFidInterval() : Duration.ofMillis(Long.parseLong(interval.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("aggregates.set.fid.interval.ms must be a number of milliseconds, was '" + interval + "'");
        }
        return new AggregatesSettings(values.getOrDefault("aggregates.application.id", d.applicationId()),
                values.containsKey("aggregates.state.dir") ? Path.of(values.get("aggregates.state.dir")) : d.stateDir(),
                setFidInterval);
    }

    public AggregatesSettings withStateDir(Path dir) {
        return new AggregatesSettings(applicationId, dir, setFidInterval);
    }

    public AggregatesSettings withSetFidInterval(Duration interval) {
        return new AggregatesSettings(applicationId, stateDir, interval);
    }
}
