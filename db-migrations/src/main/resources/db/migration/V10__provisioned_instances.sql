-- Instances the api provisions from its environment (REDTROVE_INSTANCE_* variables, see the api's
-- Provisioner): the API refuses to rename, detach or delete them. The api sets the flag again at
-- every start, to true exactly for the instances that start's environment names, so removing the
-- variables makes an instance an ordinary one. replication_tasks.provisioned (V9) works the same way.
alter table instances add column provisioned boolean not null default false;
