package org.redtrove.common.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets that must be stored in the database (Redis passwords) with a key kept outside
 * it, so a copy of the database, a backup or a stray {@code select} reveals none of them. AES-256
 * in GCM mode: a sealed value is {@code v1:} and the base64 of a random 12-byte nonce followed by
 * the ciphertext and its tag, which also detects a value sealed under another key.
 *
 * <p>The key file holds 32 random bytes in base64 and is created on first use (mode 0600) when it
 * is missing; every api and taskmanager of one installation must read the same file. It is
 * created by linking a complete temporary file into place, so two processes starting at once can
 * never end up with different keys.
 *
 * <p>Rotating the key: more key files open values but never seal one. Every process is given the
 * new key as its next key ({@code redtrove.secrets.next-key-files}), then the new key as its key and
 * the old one as its previous key ({@code redtrove.secrets.previous-key-files}); the api re-seals
 * what a previous key sealed when it starts ({@code SecretResealing}), never what a next key did,
 * so a process of the first round restarted late cannot seal values back under the old key; then
 * the old key is dropped (deploy/runbooks/restore-and-secrets.md).
 */
public final class SecretBox {

    static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final List<SecretKeySpec> previousKeys;
    private final List<SecretKeySpec> nextKeys;

    private SecretBox(byte[] key, List<SecretKeySpec> previousKeys, List<SecretKeySpec> nextKeys) {
        this.key = new SecretKeySpec(key, "AES");
        this.previousKeys = List.copyOf(previousKeys);
        this.nextKeys = List.copyOf(nextKeys);
    }

    /** @param keyFile the installation's key, created if missing */
    public static SecretBox fromKeyFile(Path keyFile) {
        return new SecretBox(readOrCreateKey(keyFile), List.of(), List.of());
    }

    /**
     * @param nextKeyFiles     comma-separated key files that open values too, never seal one, and
     *                         whose values are left as they are: the next key, before a rotation
     * @param previousKeyFiles the same, but what they sealed is to be sealed again under the key
     *                         ({@link #needsResealing}): the last key, after a rotation
     */
    public static SecretBox fromKeyFiles(Path keyFile, String nextKeyFiles, String previousKeyFiles) {
        return new SecretBox(readOrCreateKey(keyFile), extraKeys("previous-key-files", previousKeyFiles),
                extraKeys("next-key-files", nextKeyFiles));
    }

    private static List<SecretKeySpec> extraKeys(String setting, String files) {
        List<SecretKeySpec> keys = new ArrayList<>();
        for (String file : files == null ? new String[0] : files.split(",")) {
            if (!file.isBlank()) {
                Path path = Path.of(file.trim());
                if (!Files.exists(path)) {
                    throw new IllegalStateException("redtrove.secrets." + setting + " names " + path
                            + ", which does not exist: only redtrove.secrets.key-file is ever created");
                }
                keys.add(new SecretKeySpec(readOrCreateKey(path), "AES"));
            }
        }
        return keys;
    }

    /**
     * @param purpose what the value is ("instances.password"): a value sealed for one purpose does
     *                not open as another, so a copied column cannot stand in for another secret
     */
    public String seal(String purpose, String plaintext) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is always available", e);
        }
    }

    /**
     * The plaintext of a sealed value. A value without the prefix is one stored before secrets were
     * sealed and is returned as it is, until its owner seals it (see {@link #isSealed}).
     *
     * @throws IllegalStateException when the value was sealed with another key, or altered
     */
    public String open(String purpose, String stored) {
        if (stored == null || !isSealed(stored)) {
            return stored;
        }
        String opened = openWith(key, purpose, stored);
        for (int i = 0; opened == null && i < previousKeys.size(); i++) {
            opened = openWith(previousKeys.get(i), purpose, stored);
        }
        for (int i = 0; opened == null && i < nextKeys.size(); i++) {
            opened = openWith(nextKeys.get(i), purpose, stored);
        }
        if (opened == null) {
            throw new IllegalStateException("A stored secret cannot be decrypted with this installation's key"
                    + " (redtrove.secrets.key-file): every api and taskmanager must use the same key file.");
        }
        return opened;
    }

    /**
     * Whether the value should be sealed again under this box's key: stored in plain text, or
     * sealed under a previous key. Null, a value of a next key and one no key opens need nothing.
     */
    public boolean needsResealing(String purpose, String stored) {
        if (stored == null) {
            return false;
        }
        if (!isSealed(stored)) {
            return true;
        }
        return openWith(key, purpose, stored) == null
                && previousKeys.stream().anyMatch(k -> openWith(k, purpose, stored) != null);
    }

    private static String openWith(SecretKeySpec key, String purpose, String stored) {
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null; // another key's, or altered
        }
    }

    public static boolean isSealed(String stored) {
        return stored.startsWith(PREFIX);
    }

    private static byte[] readOrCreateKey(Path keyFile) {
        try {
            if (!Files.exists(keyFile)) {
                createKey(keyFile);
            }
            byte[] key = Base64.getDecoder().decode(Files.readString(keyFile).trim());
            if (key.length != 32) {
                throw new IllegalStateException(keyFile + " does not hold a 256-bit key in base64");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secret key " + keyFile, e);
        }
    }

    private static void createKey(Path keyFile) throws IOException {
        Path dir = keyFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        Path tmp = Files.createTempFile(dir, ".secret-key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, Base64.getEncoder().encodeToString(key) + "\n");
            Files.createLink(keyFile, tmp); // fails if another process created it meanwhile
        } catch (FileAlreadyExistsException e) {
            // theirs wins; it is complete, since it was linked into place whole
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
