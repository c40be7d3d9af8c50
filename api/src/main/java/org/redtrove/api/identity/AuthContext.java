package org.redtrove.api.identity;

import java.util.List;

/**
 * Who is calling a Trove route: the token's user, the project it is scoped to, and the user's
 * roles on that project. Set by {@link AuthFilter}; controllers take it as a parameter.
 */
public record AuthContext(String userId, String projectId, List<String> roles) {

    public static final String ATTRIBUTE = AuthContext.class.getName();

    public AuthContext {
        roles = List.copyOf(roles);
    }

    /** Admins see every project's instances. */
    public boolean isAdmin() {
        return roles.contains("admin");
    }
}
