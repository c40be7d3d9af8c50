package org.redtrove.api.fault;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one place where exceptions become HTTP answers. API errors keep their status and text;
 * Spring MVC's own errors (unknown route, wrong method, unreadable body, ...) keep their status
 * and get a fixed text; anything else is a 500 with a generic message and a logged stack trace.
 * Under the identity paths the body is Keystone's shape, elsewhere Trove's.
 */
@RestControllerAdvice
public class FaultAdvice {

    private static final Logger log = LoggerFactory.getLogger(FaultAdvice.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e) {
        return Faults.entity(e.status(), Faults.trove(e.faultName(), e.status(), e.getMessage()));
    }

    @ExceptionHandler(KeystoneError.class)
    ResponseEntity<Object> keystone(KeystoneError e) {
        return Faults.entity(e.status(), Faults.keystone(e.status(), e.title(), e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpServletRequest request) {
        return generic(request, 400);
    }

    /**
     * Spring MVC's framework errors carry their status (404, 405, 415, 400 for bad parameters);
     * anything else is unexpected.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
        if (e instanceof ErrorResponse framework && framework.getStatusCode().value() < 500) {
            return generic(request, framework.getStatusCode().value());
        }
        log.error("Unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return generic(request, 500);
    }

    static ResponseEntity<Object> generic(HttpServletRequest request, int status) {
        return Faults.entity(status, body(request.getRequestURI(), status));
    }

    /** The body for an error that has no specific message, in the shape the path's clients read. */
    public static Object body(String path, int status) {
        String message = messageFor(status);
        if (path != null && (path.startsWith("/identity") || path.startsWith("/v3"))) {
            return Faults.keystone(status, titleFor(status), message);
        }
        return Faults.trove(Faults.troveName(status), status, message);
    }

    static String messageFor(int status) {
        return switch (status) {
            case 400 -> "The request body is not valid JSON or is not what this resource expects.";
            case 401 -> "The request you have made requires authentication.";
            case 403 -> "You are not authorized to perform the requested action.";
            case 404 -> "The resource could not be found.";
            case 405 -> "The method is not allowed for the requested URL.";
            case 406 -> "The resource can only answer with application/json.";
            case 415 -> "The request's Content-Type is not supported; use application/json.";
            default -> status >= 500
                    ? "Internal Server Error. Please try again later; the error was logged."
                    : "The request could not be processed.";
        };
    }

    static String titleFor(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 415 -> "Unsupported Media Type";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
