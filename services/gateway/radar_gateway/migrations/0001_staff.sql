-- Staff accounts; citizens have no account, only a pseudonymous participant id.
CREATE TABLE staff_accounts (
    staff_id      uuid PRIMARY KEY,
    email         text NOT NULL,
    password_hash text NOT NULL,
    roles         text[] NOT NULL CHECK (roles <@ ARRAY['editor', 'moderator', 'admin']),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_accounts_email ON staff_accounts (lower(email));
