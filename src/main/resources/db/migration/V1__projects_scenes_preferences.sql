-- Projects, their scenes, and user preferences. Every row carries a version that grows with
-- every change (optimistic concurrency, ETags, and cache fill guards).

create table project (
    id          uuid         primary key,
    name        varchar(200) not null,
    type        varchar(64)  not null,
    created_at  timestamptz  not null,
    updated_at  timestamptz  not null,
    version     bigint       not null
);

create index project_updated_at_idx on project (updated_at desc);

create table scene (
    id              uuid         primary key,
    project_id      uuid         not null references project (id) on delete cascade,
    name            varchar(200) not null,
    type            varchar(64)  not null,
    scene_order     integer      not null,
    tsx_code        text         not null,
    props           text         not null,
    duration_frames integer      not null,
    created_at      timestamptz  not null,
    updated_at      timestamptz  not null,
    version         bigint       not null
);

create index scene_project_order_idx on scene (project_id, scene_order, created_at, id);

create table user_preferences (
    user_id     varchar(128) primary key,
    preferences text         not null,
    updated_at  timestamptz  not null,
    version     bigint       not null
);
