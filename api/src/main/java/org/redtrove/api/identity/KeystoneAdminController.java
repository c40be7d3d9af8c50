package org.redtrove.api.identity;

import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.KeystoneError;
import org.redtrove.api.fault.UnsupportedMediaType;
import org.redtrove.api.web.Endpoints;
import org.redtrove.api.web.JsonBodyReader;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The Keystone v3 admin routes python-openstackclient needs for {@code openstack project|user|role ...}
 * against the local identity store. Only a local token carrying the admin role may call them: as in
 * Keystone's default policy, admin on any project is cloud admin.
 *
 * <p>An unknown id is a 404 in Keystone's error shape: osc-lib resolves a name by first trying
 * {@code GET /projects/<name>} and falling back to {@code GET /projects?name=<name>} only on an error.
 */
@RestController
@RequestMapping({"/identity/v3", "/v3"})
class KeystoneAdminController {

    private static final String DEFAULT_DOMAIN = "default";

    private final IdentityRepository repository;
    private final TokenService tokens;
    private final JsonBodyReader bodies;
    private final Passwords passwords;
    private final Endpoints endpoints;
    private final SecureRandom random = new SecureRandom();

    KeystoneAdminController(IdentityRepository repository, TokenService tokens, JsonBodyReader bodies,
                            Passwords passwords, Endpoints endpoints) {
        this.endpoints = endpoints;
        this.repository = repository;
        this.tokens = tokens;
        this.bodies = bodies;
        this.passwords = passwords;
    }

    // --- projects ---

    @GetMapping("/projects")
    Map<String, Object> projects(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                 @RequestParam(required = false) String name,
                                 @RequestParam(name = "domain_id", required = false) String domainId,
                                 HttpServletRequest request) {
        requireAdmin(token);
        String v3 = v3(request);
        return Map.of("projects", repository.projects(name, domainId).stream()
                        .map(p -> KeystoneViews.project(p, v3)).toList(),
                "links", collectionLinks(request));
    }

    @GetMapping("/projects/{id}")
    Map<String, Object> project(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                @PathVariable String id, HttpServletRequest request) {
        requireAdmin(token);
        return Map.of("project", KeystoneViews.project(findProject(id), v3(request)));
    }

    @PostMapping("/projects")
    ResponseEntity<Object> createProject(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                         HttpServletRequest request) {
        requireAdmin(token);
        JsonNode project = entity(request, "project");
        String name = requiredString(project, "project", "name");
        String domainId = optionalString(project, "project", "domain_id");
        domainId = domainId == null ? DEFAULT_DOMAIN : domainId;
        requireDomain(domainId);
        String parentId = optionalString(project, "project", "parent_id");
        if (parentId != null && !parentId.equals(domainId)) {
            throw KeystoneError.badRequest("Project hierarchies are not supported: parent_id must be the domain.");
        }
        if (optionalBoolean(project, "project", "is_domain", false)) {
            throw KeystoneError.badRequest("Creating domains is not supported.");
        }
        String description = optionalString(project, "project", "description");
        String id = IdentityAdmin.newId();
        try {
            repository.insertProject(id, name, domainId, description == null ? "" : description,
                    optionalBoolean(project, "project", "enabled", true));
        } catch (DuplicateKeyException e) {
            throw duplicate("project", name, domainId);
        }
        return created("project", KeystoneViews.project(repository.projectById(id).orElseThrow(), v3(request)));
    }

    @PatchMapping("/projects/{id}")
    Map<String, Object> updateProject(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                      @PathVariable String id, HttpServletRequest request) {
        requireAdmin(token);
        IdentityRepository.Project existing = findProject(id);
        JsonNode project = entity(request, "project");
        String domainId = optionalString(project, "project", "domain_id");
        if (domainId != null && !domainId.equals(existing.domain().id())) {
            throw KeystoneError.badRequest("A project cannot move to another domain.");
        }
        String name = optionalString(project, "project", "name");
        String description = optionalString(project, "project", "description");
        try {
            repository.updateProject(id, name == null ? existing.name() : name,
                    description == null ? existing.description() : description,
                    optionalBoolean(project, "project", "enabled", existing.enabled()));
        } catch (DuplicateKeyException e) {
            throw duplicate("project", name, existing.domain().id());
        }
        return Map.of("project", KeystoneViews.project(findProject(id), v3(request)));
    }

    /** 409 while the project still has instances: deleting it would orphan running Redis servers. */
    @DeleteMapping("/projects/{id}")
    ResponseEntity<Void> deleteProject(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                       @PathVariable String id) {
        requireAdmin(token);
        IdentityRepository.Project project = findProject(id);
        long live = repository.liveInstances(project.id());
        if (live > 0) {
            throw KeystoneError.conflict("Project " + project.name() + " (" + project.id() + ") still has " + live
                    + " instance(s); delete them first.");
        }
        repository.deleteProject(project.id());
        return ResponseEntity.noContent().build();
    }

    // --- users ---

    @GetMapping("/users")
    Map<String, Object> users(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                              @RequestParam(required = false) String name,
                              @RequestParam(name = "domain_id", required = false) String domainId,
                              HttpServletRequest request) {
        requireAdmin(token);
        String v3 = v3(request);
        return Map.of("users", repository.users(name, domainId).stream().map(u -> KeystoneViews.user(u, v3)).toList(),
                "links", collectionLinks(request));
    }

    @GetMapping("/users/{id}")
    Map<String, Object> user(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                             @PathVariable String id, HttpServletRequest request) {
        requireAdmin(token);
        return Map.of("user", KeystoneViews.user(findUser(id), v3(request)));
    }

    /**
     * The projects a user has a role on. Keystone lets users ask this about themselves, and
     * {@code openstack project list} falls back to it when {@code GET /projects} is forbidden.
     */
    @GetMapping("/users/{id}/projects")
    Map<String, Object> projectsOfUser(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                       @PathVariable String id, HttpServletRequest request) {
        TokenService.Issued caller = tokens.validate(token).orElseThrow(KeystoneError::unauthorized);
        if (!caller.user().id().equals(id)) {
            requireAdmin(token);
        }
        String v3 = v3(request);
        return Map.of("projects", repository.projectsOfUser(findUser(id).id()).stream()
                        .map(p -> KeystoneViews.project(p, v3)).toList(),
                "links", collectionLinks(request));
    }

    /** A user without a password gets a random one nobody knows, so it cannot log in until one is set. */
    @PostMapping("/users")
    ResponseEntity<Object> createUser(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                      HttpServletRequest request) {
        requireAdmin(token);
        JsonNode user = entity(request, "user");
        String name = requiredString(user, "user", "name");
        String domainId = optionalString(user, "user", "domain_id");
        domainId = domainId == null ? DEFAULT_DOMAIN : domainId;
        requireDomain(domainId);
        String defaultProject = optionalString(user, "user", "default_project_id");
        if (defaultProject != null && repository.projectById(defaultProject).isEmpty()) {
            throw KeystoneError.badRequest("Could not find project: " + defaultProject + ".");
        }
        String password = optionalString(user, "user", "password");
        String id = IdentityAdmin.newId();
        try {
            repository.insertUser(id, name, domainId, passwords.hash(password == null ? unguessable() : password),
                    defaultProject, optionalString(user, "user", "email"),
                    optionalBoolean(user, "user", "enabled", true));
        } catch (DuplicateKeyException e) {
            throw duplicate("user", name, domainId);
        }
        return created("user", KeystoneViews.user(repository.userById(id).orElseThrow(), v3(request)));
    }

    @PatchMapping("/users/{id}")
    Map<String, Object> updateUser(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                   @PathVariable String id, HttpServletRequest request) {
        requireAdmin(token);
        IdentityRepository.User existing = findUser(id);
        JsonNode user = entity(request, "user");
        String domainId = optionalString(user, "user", "domain_id");
        if (domainId != null && !domainId.equals(existing.domain().id())) {
            throw KeystoneError.badRequest("A user cannot move to another domain.");
        }
        String name = optionalString(user, "user", "name");
        String defaultProject = existing.defaultProjectId();
        if (user.has("default_project_id")) {
            defaultProject = optionalString(user, "user", "default_project_id");
            if (defaultProject != null && repository.projectById(defaultProject).isEmpty()) {
                throw KeystoneError.badRequest("Could not find project: " + defaultProject + ".");
            }
        }
        try {
            repository.updateUser(id, name == null ? existing.name() : name, defaultProject,
                    optionalBoolean(user, "user", "enabled", existing.enabled()));
        } catch (DuplicateKeyException e) {
            throw duplicate("user", name, existing.domain().id());
        }
        String password = optionalString(user, "user", "password");
        if (password != null) {
            repository.changePassword(id, passwords.hash(password));
        }
        return Map.of("user", KeystoneViews.user(findUser(id), v3(request)));
    }

    @DeleteMapping("/users/{id}")
    ResponseEntity<Void> deleteUser(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                    @PathVariable String id) {
        requireAdmin(token);
        repository.deleteUser(findUser(id).id());
        return ResponseEntity.noContent().build();
    }

    // --- roles and assignments ---

    @GetMapping("/roles")
    Map<String, Object> roles(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                              @RequestParam(required = false) String name, HttpServletRequest request) {
        requireAdmin(token);
        String v3 = v3(request);
        return Map.of("roles", repository.allRoles(name).stream().map(r -> KeystoneViews.role(r, v3)).toList(),
                "links", collectionLinks(request));
    }

    @GetMapping("/roles/{id}")
    Map<String, Object> role(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                             @PathVariable String id, HttpServletRequest request) {
        requireAdmin(token);
        return Map.of("role", KeystoneViews.role(findRole(id), v3(request)));
    }

    @PutMapping("/projects/{projectId}/users/{userId}/roles/{roleId}")
    ResponseEntity<Void> grant(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                               @PathVariable String projectId, @PathVariable String userId,
                               @PathVariable String roleId) {
        requireAdmin(token);
        repository.assignRole(findUser(userId).id(), findProject(projectId).id(), findRole(roleId).id());
        return ResponseEntity.noContent().build();
    }

    /** Keystone's "check role assignment": 204 if it exists, 404 otherwise. */
    @RequestMapping(path = "/projects/{projectId}/users/{userId}/roles/{roleId}",
            method = {RequestMethod.GET, RequestMethod.HEAD})
    ResponseEntity<Void> check(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                               @PathVariable String projectId, @PathVariable String userId,
                               @PathVariable String roleId) {
        requireAdmin(token);
        if (!repository.hasRole(findUser(userId).id(), findProject(projectId).id(), findRole(roleId).id())) {
            throw assignmentNotFound(roleId, userId, projectId);
        }
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/projects/{projectId}/users/{userId}/roles/{roleId}")
    ResponseEntity<Void> revoke(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                @PathVariable String projectId, @PathVariable String userId,
                                @PathVariable String roleId) {
        requireAdmin(token);
        if (!repository.revokeRole(findUser(userId).id(), findProject(projectId).id(), findRole(roleId).id())) {
            throw assignmentNotFound(roleId, userId, projectId);
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/projects/{projectId}/users/{userId}/roles")
    Map<String, Object> userRoles(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                  @PathVariable String projectId, @PathVariable String userId,
                                  HttpServletRequest request) {
        requireAdmin(token);
        String v3 = v3(request);
        return Map.of("roles", repository.roles(findUser(userId).id(), findProject(projectId).id()).stream()
                        .map(r -> KeystoneViews.role(r, v3)).toList(),
                "links", collectionLinks(request));
    }

    /** Filters user.id, scope.project.id and role.id; effective changes nothing (no groups, no inheritance). */
    @GetMapping("/role_assignments")
    Map<String, Object> assignments(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                    @RequestParam(name = "user.id", required = false) String userId,
                                    @RequestParam(name = "scope.project.id", required = false) String projectId,
                                    @RequestParam(name = "role.id", required = false) String roleId,
                                    @RequestParam(name = "include_names", required = false) String includeNames,
                                    HttpServletRequest request) {
        requireAdmin(token);
        boolean names = includeNames != null && !includeNames.equalsIgnoreCase("false") && !includeNames.equals("0");
        String v3 = v3(request);
        return Map.of("role_assignments", repository.assignments(userId, projectId, roleId).stream()
                        .map(a -> KeystoneViews.assignment(a, names, v3)).toList(),
                "links", collectionLinks(request));
    }

    // --- domains (read-only: RedTrove has the default domain and whatever the database holds) ---

    @GetMapping("/domains")
    Map<String, Object> domains(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                                @RequestParam(required = false) String name, HttpServletRequest request) {
        requireAdmin(token);
        String v3 = v3(request);
        return Map.of("domains", repository.domains(name).stream().map(d -> KeystoneViews.domain(d, v3)).toList(),
                "links", collectionLinks(request));
    }

    @GetMapping("/domains/{id}")
    Map<String, Object> domain(@RequestHeader(value = "X-Auth-Token", required = false) String token,
                               @PathVariable String id, HttpServletRequest request) {
        requireAdmin(token);
        return Map.of("domain", KeystoneViews.domain(requireDomain(id), v3(request)));
    }

    // --- helpers ---

    /** A live local token with the admin role; anything else is Keystone's 401 or 403. */
    private void requireAdmin(String token) {
        TokenService.Issued issued = tokens.validate(token).orElseThrow(KeystoneError::unauthorized);
        if (issued.roles().stream().noneMatch(r -> r.name().equals("admin"))) {
            throw KeystoneError.forbidden("You are not authorized to perform the requested action: "
                    + "identity administration needs the admin role.");
        }
    }

    private IdentityRepository.Project findProject(String id) {
        return repository.projectById(id).orElseThrow(() -> KeystoneError.notFound("Could not find project: " + id + "."));
    }

    private IdentityRepository.User findUser(String id) {
        return repository.userById(id).orElseThrow(() -> KeystoneError.notFound("Could not find user: " + id + "."));
    }

    private IdentityRepository.Role findRole(String id) {
        return repository.roleById(id).orElseThrow(() -> KeystoneError.notFound("Could not find role: " + id + "."));
    }

    private IdentityRepository.Domain requireDomain(String id) {
        return repository.domainById(id).orElseThrow(() -> KeystoneError.notFound("Could not find domain: " + id + "."));
    }

    private static KeystoneError assignmentNotFound(String roleId, String userId, String projectId) {
        return KeystoneError.notFound("Could not find role assignment with role: " + roleId + ", user or group: "
                + userId + ", project, domain, or system: " + projectId + ".");
    }

    private static KeystoneError duplicate(String kind, String name, String domainId) {
        return KeystoneError.conflict("Conflict occurred attempting to store " + kind
                + " - Duplicate entry found with name " + name + " at domain ID " + domainId + ".");
    }

    /** The object under {@code key} in the request body, with body errors in Keystone's shape. */
    private JsonNode entity(HttpServletRequest request, String key) {
        JsonNode body;
        try {
            body = bodies.read(request);
        } catch (BadRequest | UnsupportedMediaType e) {
            throw KeystoneError.badRequest(e.getMessage());
        }
        JsonNode entity = body.get(key);
        if (entity == null || !entity.isObject()) {
            throw KeystoneError.badRequest("Expecting to find " + key + " in request body.");
        }
        return entity;
    }

    private static String requiredString(JsonNode entity, String key, String field) {
        String value = optionalString(entity, key, field);
        if (value == null || value.isBlank()) {
            throw KeystoneError.badRequest("Invalid input for field '" + field + "': a non-empty string is required.");
        }
        return value;
    }

    private static String optionalString(JsonNode entity, String key, String field) {
        JsonNode node = entity.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw KeystoneError.badRequest("Invalid input for field '" + key + "." + field + "': not a string.");
        }
        return node.asString();
    }

    private static boolean optionalBoolean(JsonNode entity, String key, String field, boolean absent) {
        JsonNode node = entity.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw KeystoneError.badRequest("Invalid input for field '" + key + "." + field + "': not a boolean.");
        }
        return node.asBoolean();
    }

    private String unguessable() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    private static ResponseEntity<Object> created(String key, Object view) {
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of(key, view));
    }

    private String v3(HttpServletRequest request) {
        return endpoints.identityAsReached(request) + "/identity/v3";
    }

    private KeystoneViews.CollectionLinks collectionLinks(HttpServletRequest request) {
        String query = request.getQueryString();
        return new KeystoneViews.CollectionLinks(endpoints.identityAsReached(request) + request.getRequestURI()
                + (query == null ? "" : "?" + query), null, null);
    }
}
