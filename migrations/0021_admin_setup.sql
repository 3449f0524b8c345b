-- The first admin's one-time setup link. While no admin exists, the link's token is an HMAC of the
-- instance's JWT secret and the nonce kept here: the same on every replica and after a restart,
-- and never stored itself (reading this table is not enough to forge it). One row at most; it is
-- deleted when the first admin is created (by the link or FLOE_ADMIN_EMAIL), which ends the link.
-- Readable only by the server's own role.
create table if not exists floe.admin_setup (
  id smallint primary key default 1 check (id = 1),
  nonce text not null check (length(nonce) between 16 and 128),
  created_at timestamptz not null default now()
);
revoke all on floe.admin_setup from public;
