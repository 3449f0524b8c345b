-- Every stored user field is bounded (issue 15): the routes refuse over-long input with a 400
-- (server/src/auth/user-field-limits.ts, GoTrue's schemas and accounts.ts); these CHECKs hold
-- whatever writes the row. Limits: name 200 characters (GoTrue's sign-up already cut it there),
-- email 254 (RFC 5321), image URL 2048, ban reason 1024, a session's User-Agent 512.
--
-- Rows stored before the limits are brought within them first (a name or ban reason cut, an
-- over-long image URL dropped, a User-Agent cut), so every constraint is validated. An address
-- cannot be cut: one over the limit (none could sign in by a real mailbox) keeps its row, and the
-- email CHECK is then added NOT VALID, checked for every new or changed row only.

update auth.users set name = left(name, 200) where char_length(name) > 200;
update auth.users set image = null where char_length(image) > 2048;
update auth.users set ban_reason = left(ban_reason, 1024) where char_length(ban_reason) > 1024;
update auth.users set new_email = null where char_length(new_email) > 254;
update auth.sessions set user_agent = left(user_agent, 512) where char_length(user_agent) > 512;

alter table auth.users
  add constraint users_name_length check (char_length(name) <= 200),
  add constraint users_image_length check (char_length(image) <= 2048),
  add constraint users_ban_reason_length check (char_length(ban_reason) <= 1024),
  add constraint users_new_email_length check (char_length(new_email) <= 254);

do $$
begin
  if exists (select 1 from auth.users where char_length(email) > 254) then
    alter table auth.users add constraint users_email_length check (char_length(email) <= 254) not valid;
  else
    alter table auth.users add constraint users_email_length check (char_length(email) <= 254);
  end if;
end
$$;

alter table auth.sessions add constraint sessions_user_agent_length check (char_length(user_agent) <= 512);
