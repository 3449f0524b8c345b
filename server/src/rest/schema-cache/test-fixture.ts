/**
 * The schema the integration tests introspect: every shape the cache must recognise, in one
 * exposed schema `api` plus a private schema `private` that only a view exposes.
 */
export const FIXTURE_SQL = /* sql */ `
create schema api;
create schema private;
create type api.status as enum ('draft', 'published', 'archived');
create domain api.short_text as varchar(20) not null default 'n/a';
create type api.pair as (a integer, b text);

create table api.users (
  id int primary key generated always as identity,
  email varchar(120) not null unique,
  manager_id int references api.users (id),
  created_at timestamptz not null default now()
);
comment on table api.users is 'People who sign in';
comment on column api.users.email is 'Login address';

-- one-to-one: the FK is the whole primary key
create table api.profiles (
  user_id int primary key references api.users (id),
  nickname api.short_text,
  bio text
);

-- two FKs to users: embedding users from posts is ambiguous without a hint
create table api.posts (
  id bigserial primary key,
  author_id int not null references api.users (id),
  editor_id int references api.users (id),
  title text not null,
  slug text generated always as (lower(title)) stored,
  status api.status not null default 'draft',
  moods api.status[],
  tags text[]
);

create table api.tags (
  id serial primary key,
  name text not null,
  constraint tags_name_key unique (name)
);
create unique index tags_lower_name on api.tags (lower(name));
create unique index tags_partial on api.tags (name) where id > 100;

-- a junction: both FKs inside its primary key
create table api.post_tags (
  post_id bigint references api.posts (id) on delete cascade,
  tag_id int references api.tags (id),
  primary key (post_id, tag_id)
);

create table api.countries (
  code char(2),
  region text,
  name text not null,
  primary key (code, region)
);

-- composite FK
create table api.addresses (
  id serial primary key,
  user_id int references api.users (id),
  country_code char(2) not null,
  region text not null,
  foreign key (country_code, region) references api.countries (code, region)
);

create table api.comments (
  id serial primary key,
  post_id bigint not null references api.posts (id),
  parent_id int references api.comments (id),
  body text not null
);

create table api.events (
  id bigint,
  at date not null,
  user_id int references api.users (id),
  primary key (id, at)
) partition by range (at);
create table api.events_2024 partition of api.events for values from ('2024-01-01') to ('2025-01-01');

create table private.accounts (
  id int primary key,
  owner_id int references api.users (id),
  secret text
);

create view api.published_posts as
  select id, author_id as writer_id, title, status from api.posts where status = 'published';
create view api.accounts as select id, owner_id from private.accounts;
create view api.post_titles as select id || ':' || title as label from api.posts;
create materialized view api.user_post_counts as
  select author_id, count(*) as n from api.posts group by author_id;

create function api.add(a int, b int default 1) returns int language sql immutable as 'select a + b';
comment on function api.add(int, int) is 'Adds two numbers';
create function api.posts_by(author int) returns setof api.posts language sql stable
  as 'select * from api.posts where author_id = author';
create function api.user_summary(min_posts int) returns table (user_id int, post_count bigint)
  language sql stable
  as 'select author_id, count(*) from api.posts group by author_id having count(*) >= min_posts';
create function api.search(q text) returns setof api.posts language sql stable
  as 'select * from api.posts where title like q';
create function api.search(q text, lim int) returns setof api.posts language sql stable
  as 'select * from api.posts where title like q limit lim';
create function api.touch() returns void language sql volatile as 'select';
create function api.echo(json) returns json language sql immutable as 'select $1';
create function api.split(inout x int, out y text) language sql as 'select x, x::text';
create function api.total(variadic nums int[]) returns int language sql immutable
  as 'select sum(n)::int from unnest(nums) n';
create function api.make_pair() returns api.pair language sql as 'select 1, ''one''';
-- not callable through the API: skipped
create function api.unnamed_int(int) returns int language sql as 'select $1';
create function api.two_unnamed(json, json) returns json language sql as 'select $1';
create function api.trig() returns trigger language plpgsql as 'begin return new; end';
create procedure api.proc() language sql as 'select';
`
