package org.redtrove.api.identity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Users, projects, domains, role assignments and tokens, as the identity tables store them. */
@Repository
public class IdentityRepository {

    record Domain(String id, String name, boolean enabled) {
    }

    record User(String id, String name, Domain domain, String passwordHash, String defaultProjectId,
                boolean enabled) {
    }

    record Project(String id, String name, Domain domain, boolean enabled) {
    }

    record Role(String id, String name) {
    }

    /** A stored token: only its hash is kept. projectId is null for an unscoped token. */
    record StoredToken(String hash, String userId, String projectId, Instant issuedAt, Instant expiresAt,
                       boolean live) {
    }

    private static final String USER_SELECT = """
            select u.id, u.name, u.password_hash, u.default_project_id, u.enabled,
                   d.id as d_id, d.name as d_name, d.enabled as d_enabled
            from users u join domains d on d.id = u.domain_id
            """;

    private static final String PROJECT_SELECT = """
            select p.id, p.name, p.enabled, d.id as d_id, d.name as d_name, d.enabled as d_enabled
            from projects p join domains d on d.id = p.domain_id
            """;

    private final JdbcClient jdbc;

    public IdentityRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Domain> domainById(String id) {
        return jdbc.sql("select id, name, enabled from domains where id = :id").param("id", id)
                .query((rs, n) -> new Domain(rs.getString("id"), rs.getString("name"), rs.getBoolean("enabled")))
                .optional();
    }

    Optional<Domain> domainByName(String name) {
        return jdbc.sql("select id, name, enabled from domains where name = :name").param("name", name)
                .query((rs, n) -> new Domain(rs.getString("id"), rs.getString("name"), rs.getBoolean("enabled")))
                .optional();
    }

    Optional<User> userById(String id) {
        return jdbc.sql(USER_SELECT + " where u.id = :id").param("id", id).query(this::user).optional();
    }

    Optional<User> userByName(String name, String domainId) {
        return jdbc.sql(USER_SELECT + " where u.name = :name and u.domain_id = :domain")
                .param("name", name).param("domain", domainId).query(this::user).optional();
    }

    Optional<Project> projectById(String id) {
        return jdbc.sql(PROJECT_SELECT + " where p.id = :id").param("id", id).query(this::project).optional();
    }

    Optional<Project> projectByName(String name, String domainId) {
        return jdbc.sql(PROJECT_SELECT + " where p.name = :name and p.domain_id = :domain")
                .param("name", name).param("domain", domainId).query(this::project).optional();
    }

    List<Role> roles(String userId, String projectId) {
        return jdbc.sql("""
                        select r.id, r.name from role_assignments a join roles r on r.id = a.role_id
                        where a.user_id = :user and a.project_id = :project order by r.name""")
                .param("user", userId).param("project", projectId)
                .query((rs, n) -> new Role(rs.getString("id"), rs.getString("name"))).list();
    }

    void insertToken(String hash, String userId, String projectId, Instant issuedAt, Instant expiresAt) {
        jdbc.sql("""
                        insert into tokens (token_hash, user_id, project_id, issued_at, expires_at)
                        values (:hash, :user, :project, :issued, :expires)""")
                .param("hash", hash).param("user", userId).param("project", projectId)
                .param("issued", OffsetDateTime.ofInstant(issuedAt, ZoneOffset.UTC))
                .param("expires", OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC))
                .update();
    }

    /** Tokens that expired a day ago are of no use even for error messages. */
    void deleteExpiredTokens() {
        jdbc.sql("delete from tokens where expires_at < now() - interval '1 day'").update();
    }

    Optional<StoredToken> token(String hash) {
        return jdbc.sql("""
                        select t.token_hash, t.user_id, t.project_id, t.issued_at, t.expires_at,
                               (t.expires_at > now() and u.enabled
                                and (p.id is null or p.enabled)) as live
                        from tokens t join users u on u.id = t.user_id
                        left join projects p on p.id = t.project_id
                        where t.token_hash = :hash""")
                .param("hash", hash)
                .query((rs, n) -> new StoredToken(rs.getString("token_hash"), rs.getString("user_id"),
                        rs.getString("project_id"),
                        rs.getObject("issued_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                        rs.getBoolean("live")))
                .optional();
    }

    void insertProject(String id, String name, String domainId) {
        jdbc.sql("insert into projects (id, name, domain_id) values (:id, :name, :domain)")
                .param("id", id).param("name", name).param("domain", domainId).update();
    }

    void insertUser(String id, String name, String domainId, String passwordHash, String defaultProjectId) {
        jdbc.sql("""
                        insert into users (id, name, domain_id, password_hash, default_project_id)
                        values (:id, :name, :domain, :hash, :project)""")
                .param("id", id).param("name", name).param("domain", domainId).param("hash", passwordHash)
                .param("project", defaultProjectId).update();
    }

    void updatePasswordHash(String userId, String passwordHash) {
        jdbc.sql("update users set password_hash = :hash where id = :id")
                .param("hash", passwordHash).param("id", userId).update();
    }

    void assignRole(String userId, String projectId, String roleId) {
        jdbc.sql("""
                        insert into role_assignments (user_id, project_id, role_id) values (:user, :project, :role)
                        on conflict do nothing""")
                .param("user", userId).param("project", projectId).param("role", roleId).update();
    }

    private User user(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new User(rs.getString("id"), rs.getString("name"), domain(rs), rs.getString("password_hash"),
                rs.getString("default_project_id"), rs.getBoolean("enabled"));
    }

    private Project project(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Project(rs.getString("id"), rs.getString("name"), domain(rs), rs.getBoolean("enabled"));
    }

    private static Domain domain(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Domain(rs.getString("d_id"), rs.getString("d_name"), rs.getBoolean("d_enabled"));
    }
}
