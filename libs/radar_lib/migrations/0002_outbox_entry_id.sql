-- The stream entry an event became, so that erasure can delete entries that carried a
-- participant's text (XDEL), and operators can follow a row to its entry.
ALTER TABLE outbox ADD COLUMN entry_id text;
