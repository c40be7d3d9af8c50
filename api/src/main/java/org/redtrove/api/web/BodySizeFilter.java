package org.redtrove.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.redtrove.api.fault.Faults;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a declared Content-Length over the limit before anything reads it. Chunked bodies are
 * capped while they are read, by {@link JsonBodyReader}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class BodySizeFilter extends OncePerRequestFilter {

    private final int maxBytes;

    public BodySizeFilter(JsonBodyReader reader) {
        this.maxBytes = reader.maxBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            String message = JsonBodyReader.tooLarge(maxBytes).getMessage();
            Faults.write(response, 400, Faults.forPath(request.getRequestURI(), 400, message));
            return;
        }
        chain.doFilter(request, response);
    }
}
