-- Datastores and their versions. The redis datastore is seeded here; its versions are added by the
-- conductor when a guest agent registers and reports the redis-server it runs, so the catalogue
-- always names a version that is really installed.

create table datastores (
    id                 uuid primary key,
    name               text not null unique,
    default_version_id uuid
);

create table datastore_versions (
    id             uuid primary key,
    datastore_id   uuid not null references datastores (id),
    name           text not null,           -- what users type: "7.0"
    version_number text not null,           -- what is installed: "7.0.15"
    active         boolean not null default true,
    created_at     timestamptz not null default now(),
    unique (datastore_id, name)
);

alter table datastores add foreign key (default_version_id) references datastore_versions (id);

insert into datastores (id, name) values ('a7e1b8f0-5d1c-4c86-9f0e-1d3b2c4a5e60', 'redis');

-- Flavors: ram_mb is the memory a user buys, and it becomes redis maxmemory.
create table flavors (
    id      integer primary key,
    name    text not null unique,
    ram_mb  integer not null check (ram_mb > 0),
    vcpus   integer not null default 1,
    disk_gb integer not null default 0
);

insert into flavors (id, name, ram_mb, vcpus, disk_gb) values
    (1, 'redis.tiny', 128, 1, 1),
    (2, 'redis.small', 512, 1, 2),
    (3, 'redis.medium', 1024, 1, 4),
    (4, 'redis.large', 4096, 2, 16),
    (5, 'redis.xlarge', 16384, 4, 64);

-- Hosts are the machines guest agents run on; a guest registers its host through the conductor.
create table hosts (
    id                text primary key,
    name              text not null,
    address           text not null,
    redis_version     text,
    registered_at     timestamptz not null default now(),
    last_heartbeat_at timestamptz
);
