package org.redtrove.api.identity;

import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Bootstraps an administrator (used by dev mode and installers): a user, a project, both in the
 * default domain, and the admin role on that project. Safe to call on every start: what exists is
 * kept, and the user's password is set to the given one so the configured password always works.
 */
@Service
public class IdentityAdmin {

    private static final String DOMAIN = "default";

    private final IdentityRepository repository;
    private final Passwords passwords;

    public IdentityAdmin(IdentityRepository repository, Passwords passwords) {
        this.repository = repository;
        this.passwords = passwords;
    }

    /** Creates what is missing and answers the project's id. */
    @Transactional
    public String ensureAdmin(String user, String password, String project) {
        String projectId = repository.projectByName(project, DOMAIN).map(IdentityRepository.Project::id)
                .orElseGet(() -> {
                    String id = newId();
                    repository.insertProject(id, project, DOMAIN);
                    return id;
                });
        String userId = repository.userByName(user, DOMAIN).map(existing -> {
            if (!passwords.matches(password, existing.passwordHash())) {
                repository.changePassword(existing.id(), passwords.hash(password));
            }
            return existing.id();
        }).orElseGet(() -> {
            String id = newId();
            repository.insertUser(id, user, DOMAIN, passwords.hash(password), projectId);
            return id;
        });
        repository.assignRole(userId, projectId, "admin");
        return projectId;
    }

    /** The id of a project of the default domain, if it exists; no password is checked or hashed. */
    public java.util.Optional<String> projectId(String project) {
        return repository.projectByName(project, DOMAIN).map(IdentityRepository.Project::id);
    }

    /** Keystone's id style: a UUID's hex without dashes. */
    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
