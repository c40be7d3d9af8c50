package org.redtrove.api.copies;

import jakarta.servlet.http.HttpServletRequest;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.redtrove.api.catalog.CatalogRepository;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.web.JsonBodyReader;
import org.redtrove.api.web.JsonFields;
import org.redtrove.api.web.Times;
import org.redtrove.common.CopyProgress;
import org.redtrove.common.CopySpec;
import org.redtrove.common.JobParams;
import org.redtrove.common.Wire;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Extension routes: the project's manual copies, each a COPY job. {@code POST} answers 202 with the
 * queued copy; its progress is read with {@code GET /copies/{id}} while the taskmanager runs it.
 */
@RestController
@RequestMapping("/v1.0/{projectId}/copies")
class CopyController {

    private static final String SELECT = """
            select id, state, error, params::text as params, progress -> 'copy' as figures,
                   created_at, updated_at, finished_at
              from jobs where kind = 'COPY' and project_id = :project""";

    private final CopyService service;
    private final JsonBodyReader bodies;
    private final JdbcClient jdbc;

    CopyController(CopyService service, JsonBodyReader bodies, JdbcClient jdbc) {
        this.service = service;
        this.bodies = bodies;
        this.jdbc = jdbc;
    }

    @PostMapping
    ResponseEntity<Map<String, CopyView>> create(AuthContext auth, HttpServletRequest request) {
        CopyRequest copy = CopyRequest.parse(bodies.read(request));
        UUID id = service.create(auth.projectId(), copy);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("copy", find(auth.projectId(), id.toString())));
    }

    @GetMapping
    Map<String, List<CopyView>> list(AuthContext auth) {
        return Map.of("copies", jdbc.sql(SELECT + " order by created_at desc, id limit 100")
                .param("project", auth.projectId()).query((rs, n) -> view(rs)).list());
    }

    @GetMapping("/{id}")
    Map<String, CopyView> show(AuthContext auth, @PathVariable String id) {
        return Map.of("copy", find(auth.projectId(), id));
    }

    private CopyView find(String projectId, String reference) {
        UUID id = CatalogRepository.parseUuid(reference);
        if (id == null) {
            throw new NotFound("Copy '" + JsonFields.clip(reference) + "' does not exist");
        }
        return jdbc.sql(SELECT + " and id = :id").param("project", projectId).param("id", id)
                .query((rs, n) -> view(rs)).optional()
                .orElseThrow(() -> new NotFound("Copy '" + reference + "' does not exist"));
    }

    private static CopyView view(java.sql.ResultSet rs) throws java.sql.SQLException {
        CopySpec spec = Wire.fromJson(rs.getString("params"), JobParams.class).copy();
        String figures = rs.getString("figures");
        CopyProgress reported = figures == null ? null : Wire.fromJson(figures, CopyProgress.class);
        CopyView.Progress progress = progress(reported);
        String state = rs.getString("state");
        Map<String, Long> errors = reported == null || reported.errors().isEmpty() ? null
                : new TreeMap<>(reported.errors());
        return new CopyView(rs.getObject("id", UUID.class), state, spec.source().shown(), spec.target().shown(),
                filters(spec), progress, errors, rs.getString("error"),
                "SUCCEEDED".equals(state) ? CopyView.summary(progress) : null,
                Times.format(rs.getObject("created_at", OffsetDateTime.class)),
                Times.format(rs.getObject("updated_at", OffsetDateTime.class)),
                Times.format(rs.getObject("finished_at", OffsetDateTime.class)));
    }

    /** The figures the job last recorded, with the rate and the ETA they give. */
    private static CopyView.Progress progress(CopyProgress p) {
        if (p == null) {
            return new CopyView.Progress(0, 0, 0, 0, 0, 0, 0, 0, null);
        }
        double elapsed = p.elapsedMillis() / 1000.0;
        double rate = elapsed > 0 ? p.scanned() / elapsed : 0;
        Double eta = rate > 0 && p.total() >= p.scanned() ? (p.total() - p.scanned()) / rate : null;
        return new CopyView.Progress(p.total(), p.scanned(), p.copied(), p.skipped(), p.failed(), p.filtered(), elapsed,
                Math.round(rate * 10) / 10.0, eta == null ? null : Math.round(eta * 10) / 10.0);
    }

    private static Map<String, Object> filters(CopySpec spec) {
        Map<String, Object> f = new LinkedHashMap<>();
        if (!spec.entries().isEmpty()) {
            f.put("entries", spec.entries());
        }
        if (!spec.include().isEmpty()) {
            f.put("include", new TreeMap<>(spec.include()));
        }
        if (!spec.exclude().isEmpty()) {
            f.put("exclude", new TreeMap<>(spec.exclude()));
        }
        putIfSet(f, "start", spec.startMillis());
        putIfSet(f, "stop", spec.stopMillis());
        putIfSet(f, "each_n", spec.eachN());
        putIfSet(f, "each_s", spec.eachS());
        putIfSet(f, "limit", spec.limit());
        f.put("db", spec.db());
        f.put("replace", spec.replace());
        return f;
    }

    private static void putIfSet(Map<String, Object> f, String key, Object value) {
        if (value != null) {
            f.put(key, value);
        }
    }
}
