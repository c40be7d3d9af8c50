package org.redtrove.api.fault;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two error body shapes and which one a path gets. Used by {@link FaultAdvice} and by the code
 * that answers before (or outside) Spring MVC: servlet filters, the error controller and Tomcat's
 * error valve.
 */
public final class Faults {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Faults() {
    }

    /** Trove's fault body: the clients print {@code <message> (HTTP <code>)}. */
    public static Map<String, Object> trove(String name, int code, String message) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", code);
        inner.put("message", message);
        return Map.of(name, inner);
    }

    /** Keystone's error body, which keystoneauth reads under the identity paths. */
    public static Map<String, Object> keystone(int code, String title, String message) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", code);
        inner.put("title", title);
        inner.put("message", message);
        return Map.of("error", inner);
    }

    /** The identity service's paths, whose clients read Keystone's error shape; every other path is Trove's. */
    public static boolean isIdentityPath(String path) {
        return path != null && (path.startsWith("/identity") || path.startsWith("/v3") || path.startsWith("/v2.0"));
    }

    /** An error body in the shape the path's clients read. */
    public static Map<String, Object> forPath(String path, int status, String message) {
        return isIdentityPath(path) ? keystone(status, title(status), message) : trove(troveName(status), status, message);
    }

    /** The same, with the fixed text of the status. */
    public static Map<String, Object> forPath(String path, int status) {
        return forPath(path, status, genericMessage(status));
    }

    /** Trove's fault names (trove/common/wsgi.py, Fault._get_error_name). */
    public static String troveName(int status) {
        return switch (status) {
            case 400 -> "badRequest";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "itemNotFound";
            case 405 -> "badMethod";
            case 406 -> "notAcceptable";
            case 409 -> "conflict";
            case 413 -> "overLimit";
            case 415 -> "badMediaType";
            case 422 -> "unprocessableEntity";
            case 501 -> "notImplemented";
            case 503 -> "serviceUnavailable";
            default -> status >= 500 ? "instanceFault" : "badRequest";
        };
    }

    /** Keystone's titles (the reason phrases). */
    public static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 413 -> "Request Entity Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    /** The text of an error that has no message of its own. */
    public static String genericMessage(int status) {
        return switch (status) {
            case 400 -> "The request is malformed or is not what this resource expects.";
            case 401 -> "The request you have made requires authentication.";
            case 403 -> "You are not authorized to perform the requested action.";
            case 404 -> "The resource could not be found.";
            case 405 -> "The method is not allowed for the requested URL.";
            case 406 -> "The resource can only answer with application/json.";
            case 413 -> "The request is too large.";
            case 415 -> "The request's Content-Type is not supported; use application/json.";
            default -> status >= 500
                    ? "Internal Server Error. Please try again later; the error was logged."
                    : "The request could not be processed.";
        };
    }

    public static ResponseEntity<Object> entity(int status, Object body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /** The body as JSON text, for code that writes the response itself. */
    public static byte[] json(Object body) {
        return MAPPER.writeValueAsBytes(body);
    }

    /** Writes a body directly, for code that runs outside the DispatcherServlet. */
    public static void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
        byte[] bytes = json(body);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }
}
