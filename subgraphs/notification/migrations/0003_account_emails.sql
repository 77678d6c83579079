-- Account emails (password reset, email verification from user.events.v1) are queued in the email
-- outbox without a feed notification, to an explicit address: the one the user subgraph names
-- (for an email change, the new address). Order/payment emails keep `notification_id` and go to
-- the account of `user_id` (recipient null).

alter table notification.email_outbox alter column notification_id drop not null;
alter table notification.email_outbox add column recipient text;
alter table notification.email_outbox add column kind text;
