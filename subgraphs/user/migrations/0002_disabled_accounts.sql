-- An ADMIN can disable an account: it can no longer sign in or refresh, and the gateway refuses
-- its access tokens (it asks `accountStatuses`). Null while the account is active.

alter table "user".users add column disabled_at timestamptz;
