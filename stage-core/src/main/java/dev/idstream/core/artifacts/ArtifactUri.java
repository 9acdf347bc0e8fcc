package dev.idstream.core.artifacts;

/** An {@code s3://<bucket>/<key>} address. Parsing is strict: these URIs arrive in events and name what a stage reads. */
public record ArtifactUri(String bucket, String key) {

    private static final String SCHEME = "s3://";

    public ArtifactUri {
        requireValidBucket(bucket);
        checkKey(key);
    }

    /** @throws IllegalArgumentException with a message for a person when {@code uri} is not a well-formed S3 URI */
    public static ArtifactUri parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException("artifact URI must look like s3://bucket/key: " + uri);
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("artifact URI must look like s3://bucket/key: " + uri);
        }
        return new ArtifactUri(rest.substring(0, slash), rest.substring(slash + 1));
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }

    /** S3 bucket naming rules (3-63 of lower-case letters, digits, '.', '-'; starting and ending alphanumeric). */
    public static String requireValidBucket(String bucket) {
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("invalid S3 bucket name (3-63 lower-case letters, digits, '.', '-'): " + bucket);
        }
        return bucket;
    }

    /** No empty, "." or ".." segments and no control characters or backslashes, so no key escapes its prefix anywhere. */
    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 1024) {
            throw new IllegalArgumentException("S3 key must have 1 to 1024 characters: " + key);
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("S3 key has an empty, '.' or '..' path segment: " + key);
            }
        }
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7F || c == '\\')) {
            throw new IllegalArgumentException("S3 key has control characters or backslashes: " + key.replaceAll("\\p{Cntrl}", "?"));
        }
    }
}
