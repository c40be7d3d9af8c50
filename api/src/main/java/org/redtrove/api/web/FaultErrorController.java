package org.redtrove.api.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.redtrove.api.fault.FaultAdvice;
import org.redtrove.api.fault.Faults;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's error page and error JSON for the errors that never reach Spring MVC (the
 * container's own, or an exception thrown by a filter), so every answer is still a fault body.
 */
@RestController
public class FaultErrorController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<Object> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        return Faults.entity(status, FaultAdvice.body(uri == null ? null : uri.toString(), status));
    }
}
