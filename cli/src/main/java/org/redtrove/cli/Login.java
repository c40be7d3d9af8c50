package org.redtrove.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Logging in as {@code openstack} does: each {@code --os-*} option, else its {@code OS_*}
 * variable (an openrc), a Keystone v3 token by password or by token, scoped to the project, and
 * the database service's endpoint from the token's catalog ({@code --os-database-url} skips the
 * catalog, as {@code trove --database-url} does).
 */
final class Login {

    @Option(names = "--os-auth-url", description = "Keystone's URL (OS_AUTH_URL)", paramLabel = "URL")
    String authUrl;
    @Option(names = "--os-auth-type", description = "password or token, v3 or not (OS_AUTH_TYPE)", paramLabel = "TYPE")
    String authType;
    @Option(names = "--os-username", description = "(OS_USERNAME)", paramLabel = "NAME")
    String username;
    @Option(names = "--os-password", description = "(OS_PASSWORD)", paramLabel = "PASSWORD")
    String password;
    @Option(names = "--os-token", description = "a token instead of a password (OS_TOKEN)", paramLabel = "TOKEN")
    String token;
    @Option(names = "--os-project-name", description = "(OS_PROJECT_NAME)", paramLabel = "NAME")
    String projectName;
    @Option(names = "--os-project-id", description = "(OS_PROJECT_ID)", paramLabel = "ID")
    String projectId;
    @Option(names = "--os-user-domain-name", description = "(OS_USER_DOMAIN_NAME, default Default)", paramLabel = "NAME")
    String userDomainName;
    @Option(names = "--os-project-domain-name", description = "(OS_PROJECT_DOMAIN_NAME, default Default)",
            paramLabel = "NAME")
    String projectDomainName;
    @Option(names = "--os-region-name", description = "the catalog's region (OS_REGION_NAME)", paramLabel = "NAME")
    String regionName;
    @Option(names = "--os-interface", description = "public, internal or admin (OS_INTERFACE, default public)",
            paramLabel = "NAME")
    String endpointInterface;
    @Option(names = "--os-database-url", description = "the database endpoint, without the catalog"
            + " (OS_DATABASE_URL)", paramLabel = "URL")
    String databaseUrl;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Logs in and answers the database service. */
    Api open(Map<String, String> env) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String url = pick(authUrl, env, "OS_AUTH_URL");
        if (url == null) {
            throw new ClientError("No OS_AUTH_URL: source an openrc (deploy/redtrove dev writes one) or give --os-auth-url");
        }
        String keystone = v3(url);
        String type = pick(authType, env, "OS_AUTH_TYPE");
        String tokenGiven = pick(token, env, "OS_TOKEN");
        boolean byToken = type != null ? type.toLowerCase(java.util.Locale.ROOT).contains("token")
                : tokenGiven != null && pick(password, env, "OS_PASSWORD") == null;
        ObjectNode identity = Api.JSON.createObjectNode();
        if (byToken) {
            if (tokenGiven == null) {
                throw new ClientError("Token login needs OS_TOKEN or --os-token");
            }
            identity.putArray("methods").add("token");
            identity.putObject("token").put("id", tokenGiven);
        } else {
            String user = pick(username, env, "OS_USERNAME");
            String secret = pick(password, env, "OS_PASSWORD");
            if (user == null || secret == null) {
                throw new ClientError("Password login needs OS_USERNAME and OS_PASSWORD (or --os-username, --os-password)");
            }
            identity.putArray("methods").add("password");
            ObjectNode u = identity.putObject("password").putObject("user");
            u.put("name", user);
            u.put("password", secret);
            u.putObject("domain").put("name", orDefault(pick(userDomainName, env, "OS_USER_DOMAIN_NAME")));
        }
        ObjectNode auth = Api.JSON.createObjectNode();
        ObjectNode inner = auth.putObject("auth");
        inner.set("identity", identity);
        String project = pick(projectId, env, "OS_PROJECT_ID");
        String projectNamed = pick(projectName, env, "OS_PROJECT_NAME");
        if (project == null) {
            project = pick(null, env, "OS_TENANT_ID");
        }
        if (projectNamed == null) {
            projectNamed = pick(null, env, "OS_TENANT_NAME");
        }
        if (project != null) {
            inner.putObject("scope").putObject("project").put("id", project);
        } else if (projectNamed != null) {
            ObjectNode p = inner.putObject("scope").putObject("project");
            p.put("name", projectNamed);
            p.putObject("domain").put("name", orDefault(pick(projectDomainName, env, "OS_PROJECT_DOMAIN_NAME")));
        } else {
            throw new ClientError("No project: set OS_PROJECT_NAME or OS_PROJECT_ID (or --os-project-name)");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(keystone + "/auth/tokens")).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("User-Agent", "redtrove-cli")
                .POST(HttpRequest.BodyPublishers.ofString(Api.JSON.writeValueAsString(auth))).build();
        HttpResponse<String> response = Api.send(http, request, keystone);
        if (response.statusCode() >= 400) {
            throw new ClientError("Login refused by " + keystone + ": " + Api.faultMessage(response));
        }
        String issued = response.headers().firstValue("X-Subject-Token")
                .orElseThrow(() -> new ClientError(keystone + " issued no token"));
        String endpoint = pick(databaseUrl, env, "OS_DATABASE_URL");
        if (endpoint == null) {
            endpoint = fromCatalog(Api.JSON.readTree(response.body()), pick(regionName, env, "OS_REGION_NAME"),
                    pick(endpointInterface, env, "OS_INTERFACE"));
        }
        return new Api(http, endpoint, issued);
    }

    private static String fromCatalog(JsonNode body, String region, String iface) {
        String wanted = iface == null ? "public" : iface.replace("URL", "");
        for (JsonNode service : body.path("token").path("catalog")) {
            if (!"database".equals(service.path("type").asString(""))) {
                continue;
            }
            for (JsonNode endpoint : service.path("endpoints")) {
                boolean regionMatches = region == null || region.equals(endpoint.path("region").asString(null))
                        || region.equals(endpoint.path("region_id").asString(null));
                if (wanted.equals(endpoint.path("interface").asString("")) && regionMatches) {
                    return endpoint.path("url").asString();
                }
            }
        }
        throw new ClientError("The catalog has no database endpoint (" + wanted
                + (region == null ? "" : ", region " + region) + ")");
    }

    /** Keystone's v3 root, as openstack derives it from OS_AUTH_URL. */
    static String v3(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return u.endsWith("/v3") ? u : u + "/v3";
    }

    private static String pick(String option, Map<String, String> env, String variable) {
        if (option != null && !option.isEmpty()) {
            return option;
        }
        String value = env.get(variable);
        return value == null || value.isEmpty() ? null : value;
    }

    private static String orDefault(String domain) {
        return domain == null ? "Default" : domain;
    }
}
