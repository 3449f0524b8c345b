-- The first app's backend: two tables, their rules, a "like twice to unlike" function, a trigger
-- that emails the post's author, realtime on likes, and a bucket for avatars. No server code.
-- Run it with: pnpm floe sql -f examples/first-app/schema.sql

create table public.posts (
  id         bigint generated always as identity primary key,
  author_id  uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title      text not null check (length(title) between 1 and 200),
  public     boolean not null default true,
  created_at timestamptz not null default now()
);

create table public.likes (
  post_id    bigint not null references public.posts (id) on delete cascade,
  user_id    uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (post_id, user_id)                      -- one like per user per post
);

-- Rules. Every new table starts closed (RLS on, no rule): these open what the app needs.
create policy "anyone reads public posts, authors their own" on public.posts for select
  using (public or author_id = (select auth.uid()));
create policy "authors write their own posts" on public.posts for all to authenticated
  using (author_id = (select auth.uid())) with check (author_id = (select auth.uid()));
create policy "likes of posts you can see are visible" on public.likes for select
  using (exists (select 1 from public.posts p where p.id = post_id));
create policy "you like as yourself" on public.likes for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy "you unlike your own likes" on public.likes for delete to authenticated
  using (user_id = (select auth.uid()));

-- Liking twice unlikes: POST /rest/v1/rpc/toggle_like { "post": 1 } answers true (liked) or
-- false (unliked). It runs as the caller, so the rules above apply to it too.
create function public.toggle_like(post bigint) returns boolean
  language plpgsql set search_path = '' as $$
begin
  delete from public.likes l where l.post_id = post and l.user_id = (select auth.uid());
  if found then
    return false;
  end if;
  insert into public.likes (post_id) values (post);
  return true;
end $$;

-- A like emails the post's author. floe.enqueue_trusted puts the job in the same transaction as
-- the like: the job exists if and only if the like commits. It runs as the owner (SECURITY
-- DEFINER) to read the author's email, which the liker may not see.
create function public.email_author_on_like() returns trigger
  language plpgsql security definer set search_path = '' as $$
declare
  post record;
begin
  select p.title, u.email, u.id into post
    from public.posts p join auth.users u on u.id = p.author_id where p.id = new.post_id;
  if post.id <> new.user_id then
    perform floe.enqueue_trusted('email', jsonb_build_object(
      'to', post.email,
      'subject', 'Someone liked your post',
      'text', format('Your post "%s" has a new like.', post.title)));
  end if;
  return null;
end $$;
create trigger email_author_on_like after insert on public.likes
  for each row execute function public.email_author_on_like();

-- The author's screen hears new likes (rules decide who hears what).
select realtime.enable_table('public.likes');

-- Avatars: a public bucket; each user writes only under a folder named by their id.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
  values ('avatars', 'avatars', true, 1000000, array['image/png', 'image/jpeg']);
create policy "avatars are public" on storage.objects for select
  using (bucket_id = 'avatars');
create policy "users upload their own avatar" on storage.objects for insert to authenticated
  with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "users replace their own avatar" on storage.objects for update to authenticated
  using (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid())::text);
