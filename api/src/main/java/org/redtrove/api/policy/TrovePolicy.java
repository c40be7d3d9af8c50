package org.redtrove.api.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may call which Trove route, in the manner of oslo.policy defaults: one rule per route, named
 * as Trove names it (trove/common/policies/*.py), with a check on the caller's roles on the
 * project its token is scoped to. That the project is the caller's own ("admin_or_owner") is
 * already settled by AuthFilter, which refuses a token scoped to another project.
 *
 * <p>The roles are Keystone's defaults and imply one another: admin implies member, member
 * implies reader. A reader may read (GET and HEAD) but not see a set's password; a member may
 * manage the project's resources; an admin may do everything, quotas included. A route with no
 * rule is refused, so a new route cannot be open by accident (RoutePolicyTest checks that every
 * route has one).
 */
public final class TrovePolicy {

    /** The role a rule needs, weakest first; each is implied by the ones after it. */
    public enum Check {
        READER("reader"), MEMBER("member"), ADMIN("admin");

        private final String role;

        Check(String role) {
            this.role = role;
        }

        /** True when the roles hold this role or one that implies it. */
        public boolean allows(List<String> roles) {
            for (Check stronger : values()) {
                if (stronger.ordinal() >= ordinal() && roles.contains(stronger.role)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A named rule and the role it needs. */
    public record Rule(String name, Check check) {
    }

    /** Paths are relative to {@code /v1.0/{projectId}}, as Spring MVC's patterns write them. */
    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    static {
        rule("GET", "/instances", "instance:index", Check.READER);
        rule("GET", "/instances/detail", "instance:detail", Check.READER);
        rule("GET", "/instances/{id}", "instance:show", Check.READER);
        rule("POST", "/instances", "instance:create", Check.MEMBER);
        rule("PUT", "/instances/{id}", "instance:update", Check.MEMBER);
        rule("PATCH", "/instances/{id}", "instance:edit", Check.MEMBER);
        rule("DELETE", "/instances/{id}", "instance:delete", Check.MEMBER);
        // Trove names one rule per action key (promote_to_replica_source, eject_replica_source,
        // reset_status); the key is in the body, and all of them need a member, so the route has one rule.
        rule("POST", "/instances/{id}/action", "instance:action", Check.MEMBER);
        // RedTrove's extensions: a set's jobs may be read, its Redis password only by whoever may manage it.
        rule("GET", "/instances/{id}/jobs", "instance:jobs", Check.READER);
        rule("GET", "/instances/{id}/password", "instance:password", Check.MEMBER);
        // A set's members and failure analysis: what instance:show shows of each member, and no secret.
        rule("GET", "/replica-sets", "replica_set:index", Check.READER);
        rule("GET", "/replica-sets/{nameOrId}", "replica_set:show", Check.READER);
        rule("GET", "/replica-sets/{nameOrId}/replication", "replica_set:replication", Check.READER);
        // Replication tasks (ReductStore's model): their settings show no password, only "***".
        rule("GET", "/replications", "replication:index", Check.READER);
        rule("GET", "/replications/{name}", "replication:show", Check.READER);
        rule("POST", "/replications/{name}", "replication:create", Check.MEMBER);
        rule("PUT", "/replications/{name}", "replication:update", Check.MEMBER);
        rule("PATCH", "/replications/{name}/mode", "replication:mode", Check.MEMBER);
        rule("DELETE", "/replications/{name}", "replication:delete", Check.MEMBER);
        // Manual copies (redtrove cp): jobs of the project; writing data needs a member.
        rule("GET", "/copies", "copy:index", Check.READER);
        rule("GET", "/copies/{id}", "copy:show", Check.READER);
        rule("POST", "/copies", "copy:create", Check.MEMBER);

        rule("GET", "/flavors", "flavor:index", Check.READER);
        rule("GET", "/flavors/{id}", "flavor:show", Check.READER);
        rule("GET", "/datastores", "datastore:index", Check.READER);
        rule("GET", "/datastores/{datastore}", "datastore:show", Check.READER);
        rule("GET", "/datastores/{datastore}/versions", "datastore:version:index", Check.READER);
        rule("GET", "/datastores/{datastore}/versions/{version}", "datastore:version:show", Check.READER);
        rule("GET", "/datastores/versions/{id}", "datastore:version:show_by_uuid", Check.READER);

        rule("GET", "/datastores/{datastore}/versions/{version}/parameters", "configuration-parameter:index",
                Check.READER);
        rule("GET", "/datastores/{datastore}/versions/{version}/parameters/{name}", "configuration-parameter:show",
                Check.READER);
        rule("GET", "/datastores/versions/{version}/parameters", "configuration-parameter:index_by_version",
                Check.READER);
        rule("GET", "/datastores/versions/{version}/parameters/{name}", "configuration-parameter:show_by_version",
                Check.READER);
        rule("GET", "/configurations", "configuration:index", Check.READER);
        rule("GET", "/configurations/{id}", "configuration:show", Check.READER);
        rule("GET", "/configurations/{id}/instances", "configuration:instances", Check.READER);
        rule("POST", "/configurations", "configuration:create", Check.MEMBER);
        rule("PUT", "/configurations/{id}", "configuration:update", Check.MEMBER);
        rule("PATCH", "/configurations/{id}", "configuration:edit", Check.MEMBER);
        rule("DELETE", "/configurations/{id}", "configuration:delete", Check.MEMBER);

        rule("GET", "/backups", "backup:index", Check.READER);
        rule("GET", "/backups/{id}", "backup:show", Check.READER);
        rule("POST", "/backups", "backup:create", Check.MEMBER);
        rule("DELETE", "/backups/{id}", "backup:delete", Check.MEMBER);
        rule("GET", "/instances/{id}/backups", "instance:backups", Check.READER);

        rule("GET", "/limits", "limits:index", Check.READER);
        rule("GET", "/mgmt/quotas/{tenantId}", "mgmt:quota:show", Check.ADMIN);
        rule("PUT", "/mgmt/quotas/{tenantId}", "mgmt:quota:update", Check.ADMIN);
        rule("GET", "/mgmt/hosts", "mgmt:host:index", Check.ADMIN);
        rule("GET", "/mgmt/hosts/{hostId}", "mgmt:host:show", Check.ADMIN);
        rule("POST", "/mgmt/hosts/{hostId}/action", "mgmt:host:action", Check.ADMIN);
    }

    private static final String PREFIX = "/v1.0/{projectId}";

    private TrovePolicy() {
    }

    private static void rule(String method, String path, String name, Check check) {
        RULES.put(method + " " + PREFIX + path, new Rule(name, check));
    }

    /** The rule of a route, by its method (HEAD is GET) and its full Spring MVC pattern. */
    public static Optional<Rule> ruleFor(String method, String pattern) {
        String m = "HEAD".equals(method) ? "GET" : method;
        return Optional.ofNullable(RULES.get(m + " " + pattern));
    }

    /** Every rule, keyed "METHOD pattern", for the check that every route has one. */
    public static Map<String, Rule> rules() {
        return Map.copyOf(RULES);
    }
}
