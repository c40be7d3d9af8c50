package org.redtrove.api.identity;

import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Finds projects of the local identity store for features outside identity (the environment
 * provisioner names a project by id or name, as the openstack client does).
 */
@Service
public class ProjectDirectory {

    private final IdentityRepository repository;

    ProjectDirectory(IdentityRepository repository) {
        this.repository = repository;
    }

    /**
     * The ids a reference names: the project with that id, else every project with that name (one
     * per domain at most, so more than one means the name alone does not say which).
     */
    public List<String> ids(String idOrName) {
        return repository.projectById(idOrName).map(p -> List.of(p.id()))
                .orElseGet(() -> repository.projects(idOrName, null).stream()
                        .map(IdentityRepository.Project::id).toList());
    }
}
