-- Storage metadata: buckets and objects. The bytes live in S3 (or the zero-config filesystem
-- store) under a key derived from the object's `version`, never from its name, so a rename is a
-- row update and an overwrite never touches the bytes a concurrent reader is streaming.
--
-- RLS is on for both tables and no policy is created: until an admin writes rules, only the
-- service role (BYPASSRLS) may touch storage, the same secure default as app tables.

create schema if not exists storage;
grant usage on schema storage to anon, authenticated, service_role;

create table if not exists storage.buckets (
  id                 text primary key,
  name               text not null unique,
  public             boolean not null default false,
  file_size_limit    bigint check (file_size_limit is null or file_size_limit > 0),
  allowed_mime_types text[],
  owner              uuid,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now()
);

create table if not exists storage.objects (
  id               uuid primary key default gen_random_uuid(),
  bucket_id        text not null references storage.buckets (id),
  name             text not null check (name <> '' and length(name) <= 1024),
  -- Who uploaded it: the `sub` of the uploading request (null for the service key).
  owner            uuid default auth.uid(),
  size             bigint not null default 0,
  mime_type        text not null default 'application/octet-stream',
  etag             text not null default '',
  -- The store key is <bucket_id>/<version>; a new upload under the same name gets a new version.
  version          text not null,
  user_metadata    jsonb not null default '{}'::jsonb,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  last_accessed_at timestamptz not null default now(),
  unique (bucket_id, name)
);
-- Listing by prefix is `name like 'prefix%' order by name`: text_pattern_ops serves it in any collation.
create index if not exists objects_bucket_name_prefix on storage.objects (bucket_id, name text_pattern_ops);

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

grant select on storage.buckets to anon, authenticated;
grant all on storage.buckets to service_role;
grant select, insert, update, delete on storage.objects to anon, authenticated, service_role;

-- Helpers for rules, as in Supabase: for 'a/b/c.png', foldername = {a,b}, filename = 'c.png',
-- extension = 'png'. Rules such as `(storage.foldername(name))[1] = auth.uid()::text` use them.
create or replace function storage.foldername(name text) returns text[]
  language sql immutable strict
  as $$ select (string_to_array(name, '/'))[1 : greatest(cardinality(string_to_array(name, '/')) - 1, 0)] $$;

create or replace function storage.filename(name text) returns text
  language sql immutable strict
  as $$ select (string_to_array(name, '/'))[cardinality(string_to_array(name, '/'))] $$;

create or replace function storage.extension(name text) returns text
  language sql immutable strict
  as $$
    select case when storage.filename(name) like '%.%'
      then lower(reverse(split_part(reverse(storage.filename(name)), '.', 1))) else '' end
  $$;

grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text)
  to anon, authenticated, service_role;
