-- A job that has just seen an instance answer (create) or reach its master's offset (attach)
-- marks it ACTIVE and healthy; until this time the set supervisor records no other verdict for
-- it, as that verdict may come from a report sent before the job's own observation
-- (one still queued for the conductor on a busy host) and would show the ready instance ERROR.
alter table instances add column health_grace_until timestamptz;
