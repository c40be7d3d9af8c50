-- Keystone's "service" role, held by service users (such as another RedTrove that uses this one as
-- its Keystone). It lets them validate other users' tokens, as Keystone's identity:validate_token
-- policy does, and grants nothing on Trove routes.
insert into roles (id, name) values ('service', 'service') on conflict do nothing;
