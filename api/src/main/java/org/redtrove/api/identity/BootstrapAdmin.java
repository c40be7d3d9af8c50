package org.redtrove.api.identity;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Creates the first operator of a separately deployed api when {@code redtrove.identity.bootstrap.*}
 * is configured: without it, a fresh installation would have nobody who could log in. Dev mode
 * sets these properties too. It runs once every bean is made and before
 * the ports open (the database is migrated by then), so the first login never meets an api that
 * answers but does not know its operator yet.
 */
@Component
class BootstrapAdmin implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final IdentityAdmin admin;
    private final String user;
    private final String password;
    private final String project;

    BootstrapAdmin(IdentityAdmin admin,
                   @Value("${redtrove.identity.bootstrap.user:}") String user,
                   @Value("${redtrove.identity.bootstrap.password:}") String password,
                   @Value("${redtrove.identity.bootstrap.project:admin}") String project) {
        this.admin = admin;
        this.user = user;
        this.password = password;
        this.project = project;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (user.isBlank() || password.isBlank()) {
            return;
        }
        String projectId = admin.ensureAdmin(user, password, project);
        log.info("Operator '{}' has the admin role on project '{}' ({})", user, project, projectId);
    }
}
