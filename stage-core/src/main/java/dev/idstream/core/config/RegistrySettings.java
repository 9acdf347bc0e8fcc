package dev.idstream.core.config;

/** Confluent-API Schema Registry; {@code autoRegister=false} in production, where schemas are registered by CI. */
public record RegistrySettings(String url, boolean autoRegister) {}
