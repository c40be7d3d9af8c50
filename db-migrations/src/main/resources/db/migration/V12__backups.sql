-- Backups (Trove's backups): a snapshot of one instance's data in the backup store. A backup
-- outlives its instance; it is soft-deleted like instances, so a restored instance can still
-- name the backup it came from. instance_id is the instance a tenant asked to back up;
-- source_instance_id the member the snapshot was read from (a replica of it, when it had one).
create table backups (
    id                   uuid primary key,
    project_id           text not null,
    name                 text not null,
    description          text,
    instance_id          uuid not null references instances (id),
    source_instance_id   uuid references instances (id),
    datastore_version_id uuid not null references datastore_versions (id),
    status               text not null,  -- NEW, BUILDING, COMPLETED, FAILED, DELETE_FAILED
    store_key            text,           -- the object in the store, once it is written
    location             text,
    size_bytes           bigint,
    checksum             text,           -- SHA-256 of the stored RDB file, hex
    fail_reason          text,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    deleted              boolean not null default false,
    deleted_at           timestamptz
);
create index backups_project_created on backups (project_id, created_at desc) where not deleted;
create index backups_instance on backups (instance_id) where not deleted;

-- The backup a new instance was restored from; its create job puts that data in place.
alter table instances add column restored_from uuid references backups (id);
