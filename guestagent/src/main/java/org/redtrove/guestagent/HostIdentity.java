package org.redtrove.guestagent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Who this host is to the rest of RedTrove. The host id names the agent's RPC queue and the conductor's
 * host row, so it must survive agent restarts: unless configured, it is generated once and kept in
 * {@code <data-dir>/host-id}.
 */
public record HostIdentity(String hostId, String hostName, String address) {

    static final String HOST_ID_FILE = "host-id";

    public static HostIdentity resolve(GuestAgentProperties properties) {
        String id = blank(properties.hostId()) ? storedHostId(properties.dataDir()) : properties.hostId();
        String name = blank(properties.hostName()) ? machineHostName() : properties.hostName();
        return new HostIdentity(id, name, properties.address());
    }

    static String storedHostId(Path dataDir) {
        Path file = dataDir.resolve(HOST_ID_FILE);
        try {
            if (Files.exists(file)) {
                String stored = Files.readString(file).trim();
                if (!stored.isEmpty()) {
                    return stored;
                }
            }
            Files.createDirectories(dataDir);
            String generated = UUID.randomUUID().toString();
            Path tmp = dataDir.resolve(HOST_ID_FILE + ".tmp");
            Files.writeString(tmp, generated + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    private static String machineHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return blank(env) ? "localhost" : env;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
