package dev.idstream.core.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Kafka connection. {@code clientOverrides} are passed verbatim to every Kafka client the runtime creates
 * (security: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}; tuning such as {@code max.poll.interval.ms}).
 * Settings that the runtime's guarantees depend on cannot be overridden (see {@link #RUNTIME_OWNED}).
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientOverrides) {

    /** Set by the runtime for exactly-once processing; an override would silently break it, so it is refused. */
    public static final Set<String> RUNTIME_OWNED = Set.of(
            "bootstrap.servers", "group.id", "group.instance.id", "enable.auto.commit", "isolation.level",
            "transactional.id", "enable.idempotence", "max.poll.records",
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|jaas|token|credential|private).*");

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrap.servers is required (host:port[,host:port...])");
        }
        clientOverrides = Map.copyOf(clientOverrides == null ? Map.of() : clientOverrides);
        for (String key : clientOverrides.keySet()) {
            if (RUNTIME_OWNED.contains(key)) {
                throw new IllegalArgumentException("kafka." + key + " is set by the stage runtime and cannot be configured");
            }
        }
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of());
    }

    /** A copy with one more client override (e.g. a test's short {@code max.poll.interval.ms}). */
    public KafkaSettings withOverride(String key, String value) {
        Map<String, String> copy = new HashMap<>(clientOverrides);
        copy.put(key, value);
        return new KafkaSettings(bootstrapServers, copy);
    }

    /** Bootstrap servers plus every override: the base of each client's configuration. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(clientOverrides);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /** Masks password-typed Kafka settings (e.g. {@code sasl.jaas.config}, {@code ssl.key.password}) and anything named like a secret. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        clientOverrides.forEach((k, v) -> shown.put(k, isSecret(k) ? "***" : v));
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", clientOverrides=" + shown + "]";
    }

    static boolean isSecret(String key) {
        return SECRET_NAME.matcher(key).matches()
                || isPassword(ConsumerConfig.configDef(), key)
                || isPassword(ProducerConfig.configDef(), key)
                || isPassword(AdminClientConfig.configDef(), key);
    }

    private static boolean isPassword(ConfigDef def, String key) {
        ConfigDef.ConfigKey configKey = def.configKeys().get(key);
        return configKey != null && configKey.type == ConfigDef.Type.PASSWORD;
    }
}
