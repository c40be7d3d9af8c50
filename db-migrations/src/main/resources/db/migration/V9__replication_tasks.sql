-- Replication tasks (ReductStore's replication model on Redis): a task copies the writes of one
-- source instance that pass its filters to a destination, either another instance or a Redis
-- server outside RedTrove. The api owns the settings; the taskmanager runs the task on a guest
-- agent and stores the agent's latest ReplicationTaskReport in runtime, which the api only shows.
create table replication_tasks (
    id              uuid primary key,
    project_id      text not null,
    name            text not null,
    src_instance_id uuid not null references instances (id),
    dst_instance_id uuid references instances (id),   -- either this
    dst_host        text,                             -- or this: the URL as given, redis://host:port[/db] or rediss://
    dst_password    text,                             -- for dst_host; sealed like instances.password; null if none
    entries         jsonb not null default '[]'::jsonb,  -- key glob patterns
    include         jsonb not null default '{}'::jsonb,  -- label -> value
    exclude         jsonb not null default '{}'::jsonb,
    each_n          integer,
    each_s          double precision,
    mode            text not null default 'enabled',  -- enabled | paused | disabled
    provisioned     boolean not null default false,
    runtime         jsonb,          -- latest ReplicationTaskReport (Wire JSON) from the agent running it; written by the taskmanager
    runtime_at      timestamptz,    -- when that report arrived (database clock)
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (project_id, name),
    check ((dst_instance_id is null) <> (dst_host is null))
);
