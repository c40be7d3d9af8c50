package org.redtrove.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.redtrove.api.fault.Faults;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first thing every request meets. It refuses, before anything parses them, the parts that
 * Tomcat and Spring would otherwise choke on in the middle of a request and answer with a 500:
 * a path or query that breaks {@link RequestText} (Tomcat's parameter parser fails on
 * {@code ?marker=%ff} or a bare {@code %}), and a Content-Type that is not a concrete media type
 * (Spring refuses {@code *}{@code /*} or {@code a/b/c} with an exception wherever it reads one).
 * Bodies are checked where they are read, by {@link JsonBodyReader}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class MalformedRequestFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        if (!RequestText.isCleanEncoded(path) || !RequestText.isCleanEncoded(request.getQueryString())) {
            Faults.write(response, 400, Faults.forPath(path, 400, RequestText.INVALID));
            return;
        }
        String contentType = request.getContentType();
        if (contentType != null && !isConcreteMediaType(contentType)) {
            Faults.write(response, 415, Faults.forPath(path, 415,
                    "Content-Type " + contentType + " is not a media type; use application/json."));
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isConcreteMediaType(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
