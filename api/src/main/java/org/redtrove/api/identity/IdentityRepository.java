package org.redtrove.api.identity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Users, projects, domains, role assignments and tokens, as the identity tables store them. */
@Repository
public class IdentityRepository {

    record Domain(String id, String name, boolean enabled) {
    }

    record User(String id, String name, Domain domain, String passwordHash, String defaultProjectId,
                boolean enabled) {
    }

    record Project(String id, String name, Domain domain, String description, boolean enabled) {
    }

    /** One row of role_assignments with the names Keystone's include_names shows. */
    record Assignment(String userId, String userName, Domain userDomain, String projectId, String projectName,
                      Domain projectDomain, String roleId, String roleName) {
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
            select p.id, p.name, p.description, p.enabled, d.id as d_id, d.name as d_name, d.enabled as d_enabled
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

    void deleteToken(String hash) {
        jdbc.sql("delete from tokens where token_hash = :hash").param("hash", hash).update();
    }

    /** A new password revokes every token the user holds, as in Keystone: whoever knew the old one is out. */
    @Transactional
    void changePassword(String userId, String passwordHash) {
        jdbc.sql("update users set password_hash = :hash where id = :id")
                .param("hash", passwordHash).param("id", userId).update();
        jdbc.sql("delete from tokens where user_id = :id").param("id", userId).update();
    }

    void assignRole(String userId, String projectId, String roleId) {
        jdbc.sql("""
                        insert into role_assignments (user_id, project_id, role_id) values (:user, :project, :role)
                        on conflict do nothing""")
                .param("user", userId).param("project", projectId).param("role", roleId).update();
    }

    // --- Keystone admin API (KeystoneAdminController): listing, updating and deleting ---

    List<Domain> domains(String name) {
        return jdbc.sql("select id, name, enabled from domains where (cast(:name as text) is null or name = :name)"
                        + " order by name")
                .param("name", name)
                .query((rs, n) -> new Domain(rs.getString("id"), rs.getString("name"), rs.getBoolean("enabled")))
                .list();
    }

    List<Project> projects(String name, String domainId) {
        return jdbc.sql(PROJECT_SELECT + """
                         where (cast(:name as text) is null or p.name = :name)
                           and (cast(:domain as text) is null or p.domain_id = :domain)
                        order by p.name""")
                .param("name", name).param("domain", domainId).query(this::project).list();
    }

    /** Projects on which the user has at least one role. */
    List<Project> projectsOfUser(String userId) {
        return jdbc.sql(PROJECT_SELECT + """
                         where exists (select 1 from role_assignments a where a.project_id = p.id and a.user_id = :user)
                        order by p.name""")
                .param("user", userId).query(this::project).list();
    }

    List<User> users(String name, String domainId) {
        return jdbc.sql(USER_SELECT + """
                         where (cast(:name as text) is null or u.name = :name)
                           and (cast(:domain as text) is null or u.domain_id = :domain)
                        order by u.name""")
                .param("name", name).param("domain", domainId).query(this::user).list();
    }

    List<Role> allRoles(String name) {
        return jdbc.sql("select id, name from roles where (cast(:name as text) is null or name = :name) order by name")
                .param("name", name).query((rs, n) -> new Role(rs.getString("id"), rs.getString("name"))).list();
    }

    Optional<Role> roleById(String id) {
        return jdbc.sql("select id, name from roles where id = :id").param("id", id)
                .query((rs, n) -> new Role(rs.getString("id"), rs.getString("name"))).optional();
    }

    void insertProject(String id, String name, String domainId, String description, boolean enabled) {
        jdbc.sql("""
                        insert into projects (id, name, domain_id, description, enabled)
                        values (:id, :name, :domain, :description, :enabled)""")
                .param("id", id).param("name", name).param("domain", domainId)
                .param("description", description).param("enabled", enabled).update();
    }

    void updateProject(String id, String name, String description, boolean enabled) {
        jdbc.sql("update projects set name = :name, description = :description, enabled = :enabled where id = :id")
                .param("id", id).param("name", name).param("description", description).param("enabled", enabled)
                .update();
    }

    /** Role assignments and tokens go with it (on delete cascade); users' default project becomes null. */
    void deleteProject(String id) {
        jdbc.sql("delete from projects where id = :id").param("id", id).update();
    }

    /**
     * Instances of the project that are not deleted. Read here, not through the instances feature,
     * because the only question identity asks is "may this project go away".
     */
    long liveInstances(String projectId) {
        return jdbc.sql("select count(*) from instances where project_id = :project and not deleted")
                .param("project", projectId).query(Long.class).single();
    }

    void insertUser(String id, String name, String domainId, String passwordHash, String defaultProjectId,
                    String email, boolean enabled) {
        jdbc.sql("""
                        insert into users (id, name, domain_id, password_hash, default_project_id, email, enabled)
                        values (:id, :name, :domain, :hash, :project, :email, :enabled)""")
                .param("id", id).param("name", name).param("domain", domainId).param("hash", passwordHash)
                .param("project", defaultProjectId).param("email", email).param("enabled", enabled).update();
    }

    void updateUser(String id, String name, String defaultProjectId, boolean enabled) {
        jdbc.sql("update users set name = :name, default_project_id = :project, enabled = :enabled where id = :id")
                .param("id", id).param("name", name).param("project", defaultProjectId).param("enabled", enabled)
                .update();
    }

    /** Role assignments and tokens go with it (on delete cascade). */
    void deleteUser(String id) {
        jdbc.sql("delete from users where id = :id").param("id", id).update();
    }

    /** True if the assignment existed. */
    boolean revokeRole(String userId, String projectId, String roleId) {
        return jdbc.sql("""
                        delete from role_assignments where user_id = :user and project_id = :project and role_id = :role""")
                .param("user", userId).param("project", projectId).param("role", roleId).update() > 0;
    }

    boolean hasRole(String userId, String projectId, String roleId) {
        return jdbc.sql("""
                        select count(*) from role_assignments
                        where user_id = :user and project_id = :project and role_id = :role""")
                .param("user", userId).param("project", projectId).param("role", roleId)
                .query(Long.class).single() > 0;
    }

    /** Assignments filtered by any of user, project and role (null = any). */
    List<Assignment> assignments(String userId, String projectId, String roleId) {
        return jdbc.sql("""
                        select a.user_id, u.name as user_name, ud.id as ud_id, ud.name as ud_name,
                               ud.enabled as ud_enabled, a.project_id, p.name as project_name,
                               pd.id as pd_id, pd.name as pd_name, pd.enabled as pd_enabled,
                               a.role_id, r.name as role_name
                        from role_assignments a
                        join users u on u.id = a.user_id
                        join domains ud on ud.id = u.domain_id
                        join projects p on p.id = a.project_id
                        join domains pd on pd.id = p.domain_id
                        join roles r on r.id = a.role_id
                        where (cast(:user as text) is null or a.user_id = :user)
                          and (cast(:project as text) is null or a.project_id = :project)
                          and (cast(:role as text) is null or a.role_id = :role)
                        order by p.name, u.name, r.name""")
                .param("user", userId).param("project", projectId).param("role", roleId)
                .query((rs, n) -> new Assignment(rs.getString("user_id"), rs.getString("user_name"),
                        new Domain(rs.getString("ud_id"), rs.getString("ud_name"), rs.getBoolean("ud_enabled")),
                        rs.getString("project_id"), rs.getString("project_name"),
                        new Domain(rs.getString("pd_id"), rs.getString("pd_name"), rs.getBoolean("pd_enabled")),
                        rs.getString("role_id"), rs.getString("role_name")))
                .list();
    }

    private User user(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new User(rs.getString("id"), rs.getString("name"), domain(rs), rs.getString("password_hash"),
                rs.getString("default_project_id"), rs.getBoolean("enabled"));
    }

    private Project project(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Project(rs.getString("id"), rs.getString("name"), domain(rs), rs.getString("description"),
                rs.getBoolean("enabled"));
    }

    private static Domain domain(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Domain(rs.getString("d_id"), rs.getString("d_name"), rs.getBoolean("d_enabled"));
    }
}
