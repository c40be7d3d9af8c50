package org.redtrove.api.copies;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.redtrove.api.catalog.CatalogRepository;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.fault.Unprocessable;
import org.redtrove.api.jobs.JobWriter;
import org.redtrove.api.replications.DestinationHost;
import org.redtrove.api.web.JsonFields;
import org.redtrove.common.CopySpec;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobParams;
import org.redtrove.common.secrets.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Queues copies: each side found in the project (an instance by id or name) or checked as a URL,
 * a URL's password sealed under its own purpose, then a COPY job through the outbox. Whether a URL
 * answers, and to that password, is the job's first step: the api never connects to a tenant's
 * Redis. Copies of one Redis onto itself, or between members of one set, are refused here.
 */
@Service
class CopyService {

    private static final Logger log = LoggerFactory.getLogger(CopyService.class);
    /** What jobs.params.copy.*.sealedPassword holds. */
    static final String PASSWORD_PURPOSE = "copies.password";

    private final JdbcClient jdbc;
    private final JobWriter jobs;
    private final SecretBox box;

    CopyService(JdbcClient jdbc, JobWriter jobs, @Value("${redtrove.secrets.key-file:./secret.key}") Path keyFile,
            @Value("${redtrove.secrets.next-key-files:}") String nextKeyFiles,
            @Value("${redtrove.secrets.previous-key-files:}") String previousKeyFiles) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.box = SecretBox.fromKeyFiles(keyFile, nextKeyFiles, previousKeyFiles);
    }

    @Transactional
    UUID create(String projectId, CopyRequest request) {
        Found source = request.source() == null ? null : instance(projectId, request.source(), "Source");
        Found target = request.target() == null ? null : instance(projectId, request.target(), "Target");
        if (source == null && target == null) {
            throw new Unprocessable("A copy needs an instance of this project on one side at least");
        }
        if (source != null && target != null && source.setId().equals(target.setId())) {
            throw new Unprocessable(source.id().equals(target.id())
                    ? "The source and the target are the same instance"
                    : "The source and the target are members of one replica set: they hold the same data");
        }
        if (request.sourceUrl() != null) {
            url("source_url", request.sourceUrl());
        }
        if (request.targetUrl() != null) {
            url("target_url", request.targetUrl());
            if (Objects.equals(request.sourceUrl(), request.targetUrl())) {
                throw new Unprocessable("The source and the target are the same Redis");
            }
        }
        CopySpec spec = new CopySpec(side(source, request.sourceUrl(), request.sourcePassword()),
                side(target, request.targetUrl(), request.targetPassword()), request.entries(), request.include(),
                request.exclude(), request.startMillis(), request.stopMillis(), request.eachN(), request.eachS(),
                request.limit(), request.db(), request.replace());
        UUID instance = source != null ? source.id() : target.id();
        UUID job = jobs.queue(JobKind.COPY, projectId, instance, JobParams.copy(spec));
        log.info("Copy {} of project {} queued: {} -> {}", job, projectId, spec.source().shown(),
                spec.target().shown());
        return job;
    }

    private CopySpec.Side side(Found instance, String url, String password) {
        if (instance != null) {
            return new CopySpec.Side(instance.id(), null, null, instance.name());
        }
        String sealed = password == null || password.isEmpty() ? null : box.seal(PASSWORD_PURPOSE, password);
        return new CopySpec.Side(null, url, sealed, url);
    }

    private static void url(String field, String url) {
        if (url.indexOf('@') >= 0) {
            throw BadRequest.validation(field + " '" + DestinationHost.masked(url) + "' carries a password: give it in "
                    + field.replace("_url", "_password"));
        }
        if (!DestinationHost.isValid(url)) {
            throw BadRequest.validation(field + " '" + DestinationHost.masked(url)
                    + "' is not redis://host:port[/db] or rediss://host:port[/db] (db 0-15)");
        }
    }

    private record Found(UUID id, String name, UUID setId) {
    }

    private Found instance(String projectId, String reference, String role) {
        UUID id = CatalogRepository.parseUuid(reference);
        List<Found> found = jdbc.sql("""
                        select id, name, coalesce(replica_set_id, id) as set_id from instances
                         where project_id = :project and not deleted and (id = cast(:id as uuid) or name = :name)
                         order by (id = cast(:id as uuid)) is true desc, created_at, id""")
                .param("project", projectId).param("id", id).param("name", reference)
                .query((rs, n) -> new Found(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getObject("set_id", UUID.class)))
                .list();
        if (found.isEmpty()) {
            throw new NotFound(role + " instance '" + JsonFields.clip(reference) + "' does not exist");
        }
        if (found.size() > 1 && !found.get(0).id().equals(id)) {
            throw new BadRequest(role + " instance '" + JsonFields.clip(reference) + "' names " + found.size()
                    + " instances; give its id");
        }
        return found.get(0);
    }
}
