package org.redtrove.api.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.redtrove.api.fault.Faults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's error page and error JSON for the errors that never reach Spring MVC (the
 * container's own, or an exception thrown by a filter), so every answer is still a fault body.
 * Asked for directly, {@code /error} is a path like any unknown one: 404.
 */
@RestController
public class FaultErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(FaultErrorController.class);

    @RequestMapping("/error")
    ResponseEntity<Object> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code == null) {
            return Faults.entity(404, Faults.forPath(request.getRequestURI(), 404));
        }
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (status >= 500 && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable t) {
            log.error("Unexpected error on {} {}", request.getMethod(), uri, t);
        }
        return Faults.entity(status, Faults.forPath(uri == null ? null : uri.toString(), status));
    }
}
