package org.redtrove.common.backups;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Backups as objects of one bucket of S3-compatible object storage, through the AWS SDK. A PUT is
 * atomic in S3: a reader sees the old object or the new one, never half of one. The SHA-256 is
 * computed here, over the file as it is sent, and also stored as the object's metadata.
 *
 * <p>The SDK's default checksums (a trailing CRC in {@code aws-chunked} uploads) are only sent
 * where an operation requires them, and uploads are not chunk-signed: several S3-compatible
 * servers refuse those, or store the chunk framing as part of the object (a restore's checksum
 * then refuses the backup, as it would any damaged one).
 */
final class S3BackupStore implements BackupStore {

    private final S3Settings settings;
    private final S3Client s3;

    S3BackupStore(S3Settings settings) {
        this.settings = settings;
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(settings.region()))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle())
                        .chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(settings.accessKey().isEmpty() ? DefaultCredentialsProvider.builder().build()
                        : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(),
                                settings.secretKey())));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
    }

    @Override
    public BackupFile write(String key, Path file) throws IOException {
        long size = Files.size(file);
        MessageDigest sha256 = BackupStore.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        String checksum = HexFormat.of().formatHex(sha256.digest());
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(objectKey(key)).contentLength(size)
                    .metadata(java.util.Map.of("sha256", checksum)), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw new IOException("S3 PUT of " + location(key) + " failed: " + e.getMessage(), e);
        }
        return new BackupFile(key, size, checksum);
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return s3.getObject(b -> b.bucket(settings.bucket()).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(location(key));
        } catch (SdkException e) {
            throw new IOException("S3 GET of " + location(key) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(objectKey(key)));
        } catch (SdkException e) {
            throw new IOException("S3 DELETE of " + location(key) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String location(String key) {
        return "s3://" + settings.bucket() + "/" + objectKey(key);
    }

    private String objectKey(String key) {
        return settings.prefix() + key;
    }
}
