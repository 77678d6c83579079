-- Sign-in with OpenID Connect providers and GitHub (README "Sign-in with OpenID Connect and
-- GitHub"). An account may have no password of its own: it was created by a provider sign-in.

alter table "user".users add column password_set boolean not null default true;

-- One provider account (issuer-scoped `sub`, or GitHub's numeric user id) belongs to one user;
-- a user has at most one identity per configured provider.
create table "user".identities (
  id uuid primary key,
  user_id uuid not null references "user".users (id) on delete cascade,
  provider text not null,
  subject text not null,
  email text,
  email_verified boolean not null default false,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now()
);

create unique index identities_provider_subject_key on "user".identities (provider, subject);
create unique index identities_user_provider_key on "user".identities (user_id, provider);

-- A started authorization-code flow, shared by every replica: found by the SHA-256 of its
-- `state`, deleted when completed (single use), refused after `expires_at`. `link_user_id` is
-- set when a signed-in user links a provider rather than signing in.
create table "user".oidc_flows (
  state_hash text primary key,
  provider text not null,
  code_verifier text not null,
  nonce text not null,
  link_user_id uuid references "user".users (id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);

create index oidc_flows_expires_at_idx on "user".oidc_flows (expires_at);
