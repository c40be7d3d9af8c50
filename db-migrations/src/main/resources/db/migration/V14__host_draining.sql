-- An operator draining a host: from this time no new instance is placed there, and the masters
-- on it have been handed to replicas elsewhere (mgmt/hosts/{id}/action {"drain": {}}). Null: the
-- host takes instances.
alter table hosts add column draining_since timestamptz;
