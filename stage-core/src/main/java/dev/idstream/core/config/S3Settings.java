package dev.idstream.core.config;

/** Object storage connection. Credentials are never logged: {@link #toString()} masks them. */
public record S3Settings(String endpoint, String region, String bucket, String accessKey, String secretKey) {

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", accessKey=***, secretKey=***]";
    }
}
