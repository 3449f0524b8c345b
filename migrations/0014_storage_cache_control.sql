-- The Cache-Control an object was uploaded with (supabase-js sends `cacheControl`, default 3600,
-- as `max-age=3600`), served back on download and reported in listings and info. Null for objects
-- uploaded without one: downloads then keep the route's own default.
alter table storage.objects add column if not exists cache_control text
  check (cache_control is null or length(cache_control) <= 256);
