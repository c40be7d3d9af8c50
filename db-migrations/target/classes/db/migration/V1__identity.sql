-- Identity: a Keystone-v3-shaped store. Passwords are bcrypt hashes; tokens are stored as the
-- SHA-256 of the random token, so a copy of this table cannot be replayed against the API.

create table domains (
    id          text primary key,
    name        text not null unique,
    enabled     boolean not null default true,
    created_at  timestamptz not null default now()
);

insert into domains (id, name) values ('default', 'Default');

create table projects (
    id          text primary key,
    name        text not null,
    domain_id   text not null references domains (id),
    description text not null default '',
    enabled     boolean not null default true,
    created_at  timestamptz not null default now(),
    unique (domain_id, name)
);

create table users (
    id                 text primary key,
    name               text not null,
    domain_id          text not null references domains (id),
    password_hash      text not null,
    default_project_id text references projects (id) on delete set null,
    email              text,
    enabled            boolean not null default true,
    created_at         timestamptz not null default now(),
    unique (domain_id, name)
);

create table roles (
    id   text primary key,
    name text not null unique
);

insert into roles (id, name) values ('admin', 'admin'), ('member', 'member'), ('reader', 'reader');

create table role_assignments (
    user_id    text not null references users (id) on delete cascade,
    project_id text not null references projects (id) on delete cascade,
    role_id    text not null references roles (id) on delete cascade,
    primary key (user_id, project_id, role_id)
);

create table tokens (
    token_hash text primary key,
    user_id    text not null references users (id) on delete cascade,
    project_id text references projects (id) on delete cascade,
    issued_at  timestamptz not null default now(),
    expires_at timestamptz not null
);

create index tokens_expires_at on tokens (expires_at);
