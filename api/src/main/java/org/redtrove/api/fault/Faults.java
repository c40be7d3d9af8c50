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
 * Builds the two error body shapes. Used by {@link FaultAdvice} and by the servlet filters and the
 * error controller, which answer before (or outside) Spring MVC's exception handling.
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

    public static Map<String, Object> keystone(int code, String title, String message) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", code);
        inner.put("title", title);
        inner.put("message", message);
        return Map.of("error", inner);
    }

    /** Trove's fault name for a status: webob's class name without "HTTP", first letter lowered. */
    public static String troveName(int status) {
        return switch (status) {
            case 400 -> "badRequest";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "itemNotFound";
            case 405 -> "methodNotAllowed";
            case 406 -> "notAcceptable";
            case 413 -> "requestEntityTooLarge";
            case 415 -> "unsupportedMediaType";
            case 422 -> "unprocessableEntity";
            default -> status >= 500 ? "instanceFault" : "badRequest";
        };
    }

    public static ResponseEntity<Object> entity(int status, Object body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /** Writes a body directly, for code that runs outside the DispatcherServlet. */
    public static void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }
}
