package org.redtrove.api.identity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Keystone v3's JSON for projects, users, roles, domains and role assignments, as
 * python-keystoneclient reads them. Projects are flat: every project's parent is its domain.
 */
final class KeystoneViews {

    private KeystoneViews() {
    }

    record SelfLink(String self) {
    }

    /** A collection's links; RedTrove does not paginate identity lists, so previous and next are null. */
    record CollectionLinks(String self, String previous, String next) {
    }

    record ProjectView(String id, String name, @JsonProperty("domain_id") String domainId, String description,
                       boolean enabled, @JsonProperty("is_domain") boolean isDomain,
                       @JsonProperty("parent_id") String parentId, List<String> tags, Map<String, Object> options,
                       SelfLink links) {
    }

    record UserView(String id, String name, @JsonProperty("domain_id") String domainId, boolean enabled,
                    @JsonInclude(JsonInclude.Include.NON_NULL)
                    @JsonProperty("default_project_id") String defaultProjectId,
                    @JsonProperty("password_expires_at") String passwordExpiresAt, Map<String, Object> options,
                    SelfLink links) {
    }

    record RoleView(String id, String name, @JsonProperty("domain_id") String domainId, String description,
                    Map<String, Object> options, SelfLink links) {
    }

    record DomainView(String id, String name, String description, boolean enabled, List<String> tags,
                      Map<String, Object> options, SelfLink links) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Named(String id, String name, Named domain) {
    }

    record Scope(Named project) {
    }

    record AssignmentLinks(String assignment) {
    }

    record AssignmentView(Named role, Named user, Scope scope, AssignmentLinks links) {
    }

    static ProjectView project(IdentityRepository.Project p, String v3) {
        return new ProjectView(p.id(), p.name(), p.domain().id(), p.description(), p.enabled(), false,
                p.domain().id(), List.of(), Map.of(), new SelfLink(v3 + "/projects/" + p.id()));
    }

    static UserView user(IdentityRepository.User u, String v3) {
        return new UserView(u.id(), u.name(), u.domain().id(), u.enabled(), u.defaultProjectId(), null, Map.of(),
                new SelfLink(v3 + "/users/" + u.id()));
    }

    static RoleView role(IdentityRepository.Role r, String v3) {
        return new RoleView(r.id(), r.name(), null, null, Map.of(), new SelfLink(v3 + "/roles/" + r.id()));
    }

    static DomainView domain(IdentityRepository.Domain d, String v3) {
        return new DomainView(d.id(), d.name(), "", d.enabled(), List.of(), Map.of(),
                new SelfLink(v3 + "/domains/" + d.id()));
    }

    private static Named domainRef(IdentityRepository.Domain d) {
        return new Named(d.id(), d.name(), null);
    }

    /** With names (include_names=true) or ids only, as Keystone answers. */
    static AssignmentView assignment(IdentityRepository.Assignment a, boolean names, String v3) {
        Named role = names ? new Named(a.roleId(), a.roleName(), null) : new Named(a.roleId(), null, null);
        Named user = names ? new Named(a.userId(), a.userName(), domainRef(a.userDomain()))
                : new Named(a.userId(), null, null);
        Named project = names ? new Named(a.projectId(), a.projectName(), domainRef(a.projectDomain()))
                : new Named(a.projectId(), null, null);
        return new AssignmentView(role, user, new Scope(project), new AssignmentLinks(
                v3 + "/projects/" + a.projectId() + "/users/" + a.userId() + "/roles/" + a.roleId()));
    }
}
