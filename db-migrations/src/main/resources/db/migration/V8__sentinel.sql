-- The Sentinel-compatible endpoint (DESIGN.md decision 15) announces a set's master only once the
-- master answers role:master: the taskmanager records that moment here after the guest confirmed
-- the promotion, and withdraws it in the same transaction that commits a new master (between the
-- two, no node of the set is announced). Every change notifies the api processes that serve the
-- endpoint, which publish +switch-master within milliseconds of the commit.

alter table replica_sets add column serving_master_id uuid;
alter table replica_sets add column serving_epoch bigint;
alter table replica_sets add column serving_since timestamptz;

-- Sets as they are: their masters serve.
update replica_sets set serving_master_id = master_id, serving_epoch = epoch, serving_since = now();

create function replica_sets_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('redtrove_replica_sets', coalesce(new.id, old.id)::text);
    return null;
end
$$;

create trigger replica_sets_notify after insert or update or delete on replica_sets
    for each row execute function replica_sets_notify();

-- The api processes serving the endpoint, so SENTINEL SENTINELS can list the others to clients
-- (go-redis, ioredis and node-redis add them to their own lists).
create table sentinel_endpoints (
    id      text primary key,         -- 40 hex characters, as a Sentinel's run id
    host    text not null,
    port    integer not null,
    seen_at timestamptz not null
);
