package org.redtrove.api.web;

import jakarta.servlet.RequestDispatcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.redtrove.api.fault.Faults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's error report for the requests that never reach our servlet: a malformed request line
 * or header, an encoded slash or NUL in the path, an unsupported method such as CONNECT, a path
 * too long to read. Tomcat's own valve answers those with an HTML page, which the clients cannot
 * read; this one writes the path's fault body instead and logs one line, no stack trace.
 *
 * <p>Tomcat answers an unknown method with 501 and an unknown HTTP version with 505, as if the
 * server were at fault; both are the client's mistake, so they become 405 and 400. A real
 * exception that escaped everything else stays a 500 and is logged with its stack trace.
 */
public class FaultValve extends ErrorReportValve {

    private static final Logger log = LoggerFactory.getLogger(FaultValve.class);
    private static final int LOGGED_URI_CHARS = 200;

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        boolean unexpected = status >= 500 && status != 501 && status != 505;
        if (status == 501) {
            status = 405;
        } else if (status == 505) {
            status = 400;
        }
        String uri = request.getRequestURI();
        if (unexpected) {
            Object cause = throwable != null ? throwable : request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
            log.error("Unexpected error on {} {}", request.getMethod(), shorten(uri),
                    cause instanceof Throwable t ? t : null);
        } else {
            log.info("Refused {} {}: {}{}", request.getMethod(), shorten(uri), status,
                    throwable == null ? "" : " (" + oneLine(throwable.getMessage()) + ")");
        }
        try {
            response.setStatus(status);
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(new String(Faults.json(Faults.forPath(uri, status)), StandardCharsets.UTF_8));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away, or the response was already on its way: nothing left to tell it
        }
    }

    private static String shorten(String uri) {
        if (uri == null) {
            return "(no request target)";
        }
        String printable = oneLine(uri);
        return printable.length() > LOGGED_URI_CHARS ? printable.substring(0, LOGGED_URI_CHARS) + "..." : printable;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
    }
}
