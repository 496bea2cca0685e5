-- An account is disabled from disabled_at on (NULL: active). access_version counts the changes
-- that end an account's sessions (disabling, a new password, a new role): a log-in re-reads it
-- after opening its session, so a change that committed meanwhile ends that session too.
ALTER TABLE staff_accounts ADD COLUMN disabled_at timestamptz;
ALTER TABLE staff_accounts ADD COLUMN access_version integer NOT NULL DEFAULT 1;
UPDATE staff_accounts SET disabled_at = now() WHERE disabled;
ALTER TABLE staff_accounts DROP COLUMN disabled;
