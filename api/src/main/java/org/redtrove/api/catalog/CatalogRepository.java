package org.redtrove.api.catalog;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Flavors, datastores and their versions: the catalogue a create chooses from. */
@Repository
public class CatalogRepository {

    public record Flavor(int id, String name, int ramMb, int vcpus, int diskGb) {
    }

    public record Datastore(UUID id, String name, UUID defaultVersionId) {
    }

    public record DatastoreVersion(UUID id, UUID datastoreId, String name, String versionNumber, boolean active) {
    }

    private final JdbcClient jdbc;

    public CatalogRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Flavor> flavors() {
        return jdbc.sql("select id, name, ram_mb, vcpus, disk_gb from flavors order by id").query(this::mapFlavor).list();
    }

    /** A flavor by its id ("6", or 6) or, for convenience, by its name. */
    public Optional<Flavor> flavor(String idOrName) {
        Integer id = parseInt(idOrName);
        if (id != null) {
            Optional<Flavor> byId = jdbc.sql("select id, name, ram_mb, vcpus, disk_gb from flavors where id = :id")
                    .param("id", id).query(this::mapFlavor).optional();
            if (byId.isPresent()) {
                return byId;
            }
        }
        return jdbc.sql("select id, name, ram_mb, vcpus, disk_gb from flavors where name = :name")
                .param("name", idOrName).query(this::mapFlavor).optional();
    }

    public List<Datastore> datastores() {
        return jdbc.sql("select id, name, default_version_id from datastores order by name")
                .query(this::mapDatastore).list();
    }

    /** A datastore by its id or its name ("redis"). */
    public Optional<Datastore> datastore(String idOrName) {
        UUID id = parseUuid(idOrName);
        if (id != null) {
            Optional<Datastore> byId = jdbc.sql("select id, name, default_version_id from datastores where id = :id")
                    .param("id", id).query(this::mapDatastore).optional();
            if (byId.isPresent()) {
                return byId;
            }
        }
        return jdbc.sql("select id, name, default_version_id from datastores where name = :name")
                .param("name", idOrName).query(this::mapDatastore).optional();
    }

    public List<DatastoreVersion> versions(UUID datastoreId) {
        return jdbc.sql("""
                        select id, datastore_id, name, version_number, active from datastore_versions
                        where datastore_id = :ds and active order by name""")
                .param("ds", datastoreId).query(this::mapVersion).list();
    }

    /** A version of the datastore by its id or its name ("7.0"). */
    public Optional<DatastoreVersion> version(UUID datastoreId, String idOrName) {
        UUID id = parseUuid(idOrName);
        if (id != null) {
            Optional<DatastoreVersion> byId = version(id).filter(v -> v.datastoreId().equals(datastoreId));
            if (byId.isPresent()) {
                return byId;
            }
        }
        return jdbc.sql("""
                        select id, datastore_id, name, version_number, active from datastore_versions
                        where datastore_id = :ds and name = :name""")
                .param("ds", datastoreId).param("name", idOrName).query(this::mapVersion).optional();
    }

    /** A version by its id as a request gives it: empty for an unknown id or one that is no UUID. */
    public Optional<DatastoreVersion> versionById(String id) {
        UUID uuid = parseUuid(id);
        return uuid == null ? Optional.empty() : version(uuid);
    }

    public Optional<DatastoreVersion> version(UUID id) {
        return jdbc.sql("select id, datastore_id, name, version_number, active from datastore_versions where id = :id")
                .param("id", id).query(this::mapVersion).optional();
    }

    private Flavor mapFlavor(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Flavor(rs.getInt("id"), rs.getString("name"), rs.getInt("ram_mb"), rs.getInt("vcpus"),
                rs.getInt("disk_gb"));
    }

    private Datastore mapDatastore(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Datastore(rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getObject("default_version_id", UUID.class));
    }

    private DatastoreVersion mapVersion(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new DatastoreVersion(rs.getObject("id", UUID.class), rs.getObject("datastore_id", UUID.class),
                rs.getString("name"), rs.getString("version_number"), rs.getBoolean("active"));
    }

    static Integer parseInt(String s) {
        try {
            return Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static UUID parseUuid(String s) {
        try {
            return s != null && s.length() == 36 ? UUID.fromString(s) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
