package dev.idstream.core.artifacts;

import java.util.regex.Pattern;

/** Deterministic object key {@code requests/<requestId>/<stage>/<name>}: a redelivered input overwrites, never duplicates. */
public record ArtifactKey(String requestId, String stage, String name) {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public ArtifactKey {
        for (String part : new String[] {requestId, stage, name}) {
            if (part == null || !SAFE.matcher(part).matches() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("artifact key part must match " + SAFE + ": " + part);
            }
        }
    }

    public String objectKey() {
        return "requests/" + requestId + "/" + stage + "/" + name;
    }
}
