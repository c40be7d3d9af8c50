package org.redtrove.api.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;
import org.redtrove.api.fault.NotFound;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The web console: a page and its scripts and styles, all from the api's jar (nothing is fetched
 * from elsewhere), at {@code /console/}. The console is a client of the Trove API on the same
 * origin and of the identity routes the Trove port also serves; it holds no rights of its own, so
 * its files need no token. Only named files of the console's own folder are served, under a policy
 * that lets the page load nothing from anywhere else.
 */
@RestController
class ConsoleController {

    private static final Pattern FILE = Pattern.compile("[a-z][a-z0-9-]*\\.(js|css|svg)");
    private static final Map<String, MediaType> TYPES = Map.of(
            "js", MediaType.valueOf("text/javascript;charset=UTF-8"),
            "css", MediaType.valueOf("text/css;charset=UTF-8"),
            "svg", MediaType.valueOf("image/svg+xml"));
    /** Scripts, styles, pictures and API calls from this origin only; no frames, no forms elsewhere. */
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @GetMapping("/console")
    ResponseEntity<Void> withoutSlash() {
        return ResponseEntity.status(308).header(HttpHeaders.LOCATION, "/console/").build();
    }

    @GetMapping({"/console/", "/console/index.html"})
    ResponseEntity<byte[]> page() throws IOException {
        return file("index.html", MediaType.valueOf("text/html;charset=UTF-8"));
    }

    @GetMapping("/console/{name}")
    ResponseEntity<byte[]> asset(@PathVariable String name) throws IOException {
        if (!FILE.matcher(name).matches()) {
            throw notFound(name);
        }
        return file(name, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
    }

    private static ResponseEntity<byte[]> file(String name, MediaType type) throws IOException {
        ClassPathResource resource = new ClassPathResource("console/" + name);
        if (!resource.exists()) {
            throw notFound(name);
        }
        byte[] body;
        try (InputStream in = resource.getInputStream()) {
            body = in.readAllBytes();
        }
        return ResponseEntity.ok().contentType(type)
                // a new release's files are picked up at once; they are small and served locally
                .cacheControl(CacheControl.noCache())
                .header("Content-Security-Policy", POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY")
                .body(body);
    }

    private static NotFound notFound(String name) {
        return new NotFound("The console has no file " + name + ".");
    }
}
