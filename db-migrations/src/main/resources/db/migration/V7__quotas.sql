-- Per-project quota limits an operator set (PUT /v1.0/{project}/mgmt/quotas/{tenant}). A resource
-- without a row has the default of redtrove.quota.<resource>; -1 means unlimited, as in Trove.
-- project_id is not a foreign key: with an external Keystone, projects live there.
create table quotas (
    project_id text    not null,
    resource   text    not null,
    hard_limit integer not null check (hard_limit >= -1),
    primary key (project_id, resource)
);
