package org.redtrove.common.backups;

import java.net.URI;
import java.util.function.Function;

/**
 * Where the S3 backup store is, from {@code redtrove.backups.s3.*}: an endpoint (empty for AWS
 * itself), a region, a bucket that exists, a key prefix, and the access key and secret (the secret
 * best as {@code REDTROVE_BACKUPS_S3_SECRET_KEY}: it is never logged or shown). Path-style
 * addressing is the default, as most S3-compatible servers (MinIO, Ceph's RGW, SeaweedFS) want it.
 */
public record S3Settings(URI endpoint, String region, String bucket, String prefix, String accessKey,
                         String secretKey, boolean pathStyle) {

    static S3Settings from(Function<String, String> property) {
        String endpoint = value(property, "endpoint", "");
        String bucket = value(property, "bucket", "");
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("redtrove.backups.store=s3 needs redtrove.backups.s3.bucket");
        }
        String prefix = value(property, "prefix", "");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        return new S3Settings(endpoint.isEmpty() ? null : URI.create(endpoint), value(property, "region", "us-east-1"),
                bucket, prefix, value(property, "access-key", ""), value(property, "secret-key", ""),
                Boolean.parseBoolean(value(property, "path-style", "true")));
    }

    private static String value(Function<String, String> property, String key, String fallback) {
        String v = property.apply("redtrove.backups.s3." + key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /** Never print the secret. */
    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
    }
}
