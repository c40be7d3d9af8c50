package org.redtrove.api.identity;

import org.redtrove.api.fault.KeystoneError;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v3/auth/tokens} with the password method, as keystoneauth sends it:
 * the user by id, or by name in a domain given by id or name (missing means the default domain);
 * the project scope by id, or by name in a domain (same rule); no scope at all is allowed. Or with
 * the token method ({@code OS_AUTH_TYPE=v3token}): a live token stands for its user, and the new
 * token is scoped as asked; then {@code user} and {@code password} are null.
 */
record PasswordAuthRequest(Ref user, String password, Ref project, String token) {

    /** A user or project reference: id, or name plus domain (domainId or domainName, both null = default). */
    record Ref(String id, String name, String domainId, String domainName) {
    }

    static PasswordAuthRequest parse(JsonNode body) {
        JsonNode auth = object(body.get("auth"), "auth");
        JsonNode identity = object(auth.get("identity"), "auth.identity");
        JsonNode methods = identity.get("methods");
        if (methods == null || !methods.isArray()) {
            throw KeystoneError.badRequest("Invalid input for field 'identity': 'methods' is a required property");
        }
        boolean password = false;
        boolean token = false;
        for (JsonNode m : methods) {
            password |= m.isString() && "password".equals(m.asString());
            token |= m.isString() && "token".equals(m.asString());
        }
        if (!password && !token) {
            throw KeystoneError.unauthorized(); // Keystone answers an unsupported method with 401
        }
        Ref userRef = null;
        String secret = null;
        String existing = null;
        if (password) {
            JsonNode pw = object(identity.get("password"), "auth.identity.password");
            JsonNode user = object(pw.get("user"), "auth.identity.password.user");
            secret = string(user.get("password"), "auth.identity.password.user.password", true);
            userRef = ref(user, "auth.identity.password.user");
        } else {
            JsonNode t = object(identity.get("token"), "auth.identity.token");
            existing = string(t.get("id"), "auth.identity.token.id", true);
        }

        Ref projectRef = null;
        JsonNode scope = auth.get("scope");
        if (scope != null && !scope.isNull()) {
            object(scope, "auth.scope");
            if (scope.has("project")) {
                projectRef = ref(object(scope.get("project"), "auth.scope.project"), "auth.scope.project");
            } else if (scope.size() > 0) {
                throw KeystoneError.badRequest("Only project scope is supported.");
            }
        }
        return new PasswordAuthRequest(userRef, secret, projectRef, existing);
    }

    private static Ref ref(JsonNode node, String path) {
        String id = string(node.get("id"), path + ".id", false);
        String name = string(node.get("name"), path + ".name", false);
        if (id == null && name == null) {
            throw KeystoneError.badRequest("Expecting to find id or name in " + path + ".");
        }
        String domainId = null;
        String domainName = null;
        JsonNode domain = node.get("domain");
        if (domain != null && !domain.isNull()) {
            object(domain, path + ".domain");
            domainId = string(domain.get("id"), path + ".domain.id", false);
            domainName = string(domain.get("name"), path + ".domain.name", false);
        }
        return new Ref(id, name, domainId, domainName);
    }

    private static JsonNode object(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            throw KeystoneError.badRequest("Expecting to find " + path + " in request body.");
        }
        if (!node.isObject()) {
            throw KeystoneError.badRequest("Invalid input for field '" + path + "': not an object.");
        }
        return node;
    }

    private static String string(JsonNode node, String path, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw KeystoneError.badRequest("Expecting to find " + path + " in request body.");
            }
            return null;
        }
        if (!node.isString()) {
            throw KeystoneError.badRequest("Invalid input for field '" + path + "': not a string.");
        }
        return node.asString();
    }
}
