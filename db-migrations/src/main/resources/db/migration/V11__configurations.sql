-- Configuration groups (Trove's configurations): named sets of Redis parameters a project
-- attaches to its instances. A set's members always share one group (or none).
create table configurations (
    id                   uuid primary key,
    project_id           text not null,
    name                 text not null,
    description          text,
    datastore_version_id uuid not null references datastore_versions (id),
    "values"             jsonb not null default '{}'::jsonb,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now()
);
create index configurations_project on configurations (project_id);

alter table instances add column configuration_id uuid references configurations (id);
