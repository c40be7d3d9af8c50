-- Replica sets (DESIGN.md decision 12): the one record of who is master. Every instance belongs to
-- one; a standalone instance is the master of a set of one. Every change of master bumps the epoch
-- and is committed here before any guest is asked to change a role. instances.replica_of stays as
-- the Trove-facing projection of it and is only ever written together with the set's master.

create table replica_sets (
    id                     uuid primary key,
    project_id             text not null,
    name                   text not null,           -- stable: the first master's name; Sentinel's master name
    master_id              uuid not null,
    epoch                  bigint not null default 1 check (epoch > 0),
    replication_password   text,                    -- sealed; the replication user's, never shown to tenants
    failover_blocked_until timestamptz,             -- no automatic failover before (anti-flapping)
    situation              text not null default 'HEALTHY', -- the latest failure analysis (taskmanager)
    analysis               jsonb,                   -- its details, for the replica set route
    analyzed_at            timestamptz,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    unique (project_id, name)
);

alter table instances add column replica_set_id uuid;

-- How the member is as the taskmanager last judged it; status derives ERROR (or BUILD while a
-- member syncs again) from it, so an instance whose Redis cannot be reached is not shown ACTIVE.
alter table instances add column health text not null default 'HEALTHY';
alter table instances add column health_detail text;

-- Both ends reference each other and are written in one transaction.
alter table replica_sets add constraint replica_sets_master_fk foreign key (master_id) references instances (id)
    deferrable initially deferred;
alter table instances add constraint instances_replica_set_fk foreign key (replica_set_id) references replica_sets (id)
    deferrable initially deferred;

create index instances_replica_set on instances (replica_set_id) where not deleted;

-- Existing sets: every live master (an instance with no replica_of), named after it; a second set
-- of the same name in a project gets the start of its master's id as a suffix.
insert into replica_sets (id, project_id, name, master_id)
select gen_random_uuid(), m.project_id,
       case when m.rn = 1 then m.name else m.name || '-' || left(m.id::text, 8) end, m.id
  from (select i.*, row_number() over (partition by project_id, name order by created_at, id) as rn
          from instances i where not deleted and replica_of is null) m;

update instances i set replica_set_id = s.id
  from replica_sets s
 where not i.deleted and (s.master_id = i.id or s.master_id = i.replica_of);

-- What queries need of a report is a column, so no query reaches into the report's JSON.
alter table heartbeats add column persistent boolean;
update heartbeats set persistent = (report ->> 'persistent')::boolean;
