package org.redtrove.api.fault;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one place where exceptions become HTTP answers. API errors keep their status and text;
 * Spring MVC's own errors (unknown route, wrong method, unreadable body, ...) keep their status
 * and get a fixed text; anything else is a 500 with a generic message and a logged stack trace.
 * Under the identity paths the body is Keystone's shape, elsewhere Trove's, whichever kind of
 * exception it came from ({@link Faults#isIdentityPath}).
 */
@RestControllerAdvice
public class FaultAdvice {

    private static final Logger log = LoggerFactory.getLogger(FaultAdvice.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e, HttpServletRequest request) {
        Object body = Faults.isIdentityPath(request.getRequestURI())
                ? Faults.keystone(e.status(), Faults.title(e.status()), e.getMessage())
                : Faults.trove(e.faultName(), e.status(), e.getMessage());
        return Faults.entity(e.status(), body);
    }

    /** Trove's OverLimitFault: the limit that was hit and when to retry, in the body and in Retry-After. */
    @ExceptionHandler(RateLimited.class)
    ResponseEntity<Object> rateLimited(RateLimited e) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", e.status());
        inner.put("message", e.getMessage());
        inner.put("details", e.details());
        inner.put("retryAfter", Long.toString(e.retryAfterSeconds()));
        return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .body(Map.of(e.faultName(), inner));
    }

    /** Keystone's errors keep its shape under the identity paths; the legacy login at /v1.0 is Trove's path. */
    @ExceptionHandler(KeystoneError.class)
    ResponseEntity<Object> keystone(KeystoneError e, HttpServletRequest request) {
        Object body = Faults.isIdentityPath(request.getRequestURI())
                ? Faults.keystone(e.status(), e.title(), e.getMessage())
                : Faults.trove(Faults.troveName(e.status()), e.status(), e.getMessage());
        return Faults.entity(e.status(), body);
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
        return Faults.entity(status, Faults.forPath(request.getRequestURI(), status));
    }
}
