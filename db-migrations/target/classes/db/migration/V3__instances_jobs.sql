-- Instances follow Trove's model: a task status (what RedTrove is doing to it), a server status
-- (whether it was built) and a service status (what its guest reports). The API derives Trove's
-- "status" from them (see InstanceStatus in the api module).

create table instances (
    id                     uuid primary key,
    project_id             text not null,
    name                   text not null,
    flavor_id              integer not null references flavors (id),
    datastore_version_id   uuid not null references datastore_versions (id),
    task_status            text not null,    -- NONE, BUILDING, DELETING, PROMOTING, ... , *_ERROR
    server_status          text not null,    -- BUILD, ACTIVE, ERROR, SHUTDOWN
    service_status         text not null default 'NEW', -- NEW, HEALTHY, FAILED, SHUTDOWN (from heartbeats)
    service_status_updated timestamptz,
    replica_of             uuid references instances (id),
    host_id                text references hosts (id),
    port                   integer,
    password               text not null,    -- the set's Redis password (requirepass / masterauth)
    volume_size            integer,
    fault_message          text,
    fault_details          text,
    fault_created          timestamptz,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    deleted                boolean not null default false,
    deleted_at             timestamptz
);

create index instances_project_created on instances (project_id, created_at desc) where not deleted;
create index instances_replica_of on instances (replica_of) where not deleted;
create index instances_host on instances (host_id) where not deleted;

-- Jobs are the source of truth for work in progress; the broker only carries their ids.
create table jobs (
    id          uuid primary key,
    kind        text not null,              -- CREATE, DELETE, ATTACH_REPLICAS, DETACH, PROMOTE, EJECT
    project_id  text not null,
    instance_id uuid references instances (id),
    params      jsonb not null default '{}'::jsonb,
    state       text not null,              -- QUEUED, RUNNING, SUCCEEDED, FAILED
    step        text,                       -- the last step that completed
    progress    jsonb not null default '{}'::jsonb, -- what the executor recorded while running
    attempts    integer not null default 0,
    error       text,
    lease_owner text,
    lease_until timestamptz,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    finished_at timestamptz
);

create index jobs_unfinished on jobs (state, updated_at) where state in ('QUEUED', 'RUNNING');
create index jobs_instance on jobs (instance_id);

-- Transactional outbox: written in the API's transaction, published by the relay.
create table outbox (
    id         bigserial primary key,
    job_id     uuid not null references jobs (id),
    created_at timestamptz not null default now(),
    sent_at    timestamptz
);

create index outbox_unsent on outbox (id) where sent_at is null;

-- The latest heartbeat of every instance, as the conductor received it.
create table heartbeats (
    instance_id uuid primary key references instances (id),
    host_id     text not null references hosts (id),
    received_at timestamptz not null,
    state       text not null,              -- RedisState
    role        text,
    report      jsonb not null
);
