-- Subscribers (an e-mail address or a webhook), what they follow, and the deliveries owed to them.
-- Addresses live here and nowhere else in the system.
CREATE TABLE subscribers (
    subscriber_id  uuid PRIMARY KEY,
    channel        text NOT NULL CHECK (channel IN ('email', 'webhook')),
    email          text,
    webhook_url    text,
    webhook_secret text,
    bounces        integer NOT NULL DEFAULT 0,  -- failed deliveries in a row
    paused_at      timestamptz,  -- after too many bounces: nothing is delivered until resumed
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((channel = 'email') = (email IS NOT NULL)),
    CHECK ((channel = 'webhook') = (webhook_url IS NOT NULL AND webhook_secret IS NOT NULL))
);
-- one subscriber per mailbox; every webhook registration is its own subscriber
CREATE UNIQUE INDEX subscribers_email ON subscribers (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE subscriptions (
    subscription_id uuid PRIMARY KEY,
    subscriber_id   uuid NOT NULL REFERENCES subscribers ON DELETE CASCADE,
    scope_type      text NOT NULL CHECK (scope_type IN ('measure', 'field', 'all', 'comment')),
    scope_key       text NOT NULL,  -- the measure's id, the field's slug, the comment's id; '' for all
    new_comments    boolean NOT NULL DEFAULT false,
    language        text NOT NULL CHECK (language IN ('de', 'en')),
    mode            text NOT NULL CHECK (mode IN ('immediate', 'digest')),
    participant_id  uuid,  -- who asked for it, so that the participant's erasure finds it
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,  -- deleted then unless confirmed
    confirmed_at    timestamptz,
    decision        jsonb  -- a watched comment's decision that came before the confirmation
);
CREATE UNIQUE INDEX subscriptions_one_per_scope
    ON subscriptions (subscriber_id, scope_type, scope_key) WHERE confirmed_at IS NOT NULL;
CREATE INDEX subscriptions_by_scope ON subscriptions (scope_type, scope_key) WHERE confirmed_at IS NOT NULL;
CREATE INDEX subscriptions_unconfirmed ON subscriptions (expires_at) WHERE confirmed_at IS NULL;
CREATE INDEX subscriptions_by_subscriber ON subscriptions (subscriber_id);
CREATE INDEX subscriptions_by_participant ON subscriptions (participant_id) WHERE participant_id IS NOT NULL;

-- The outbox of deliveries: written in the transaction that handles the event, sent by the sender.
-- delivery_id is derived from (event id, subscription id) and is the mail's Message-ID.
CREATE TABLE deliveries (
    delivery_id     uuid PRIMARY KEY,
    event_id        uuid NOT NULL,
    subscriber_id   uuid REFERENCES subscribers ON DELETE SET NULL,
    subscription_id uuid,
    kind            text NOT NULL CHECK (kind IN ('confirm', 'measure', 'comment', 'decision', 'digest')),
    payload         jsonb NOT NULL,
    language        text NOT NULL CHECK (language IN ('de', 'en')),
    state           text NOT NULL CHECK (state IN ('waiting', 'pending', 'sent', 'failed', 'digested')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    occurred_at     timestamptz NOT NULL,  -- when the event happened: lag is sent_at - occurred_at
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    digest_id       uuid  -- the digest that carried a waiting delivery
);
-- one delivery per event and subscriber (NULL once the subscriber is forgotten)
CREATE UNIQUE INDEX deliveries_once ON deliveries (event_id, subscriber_id);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_waiting ON deliveries (subscriber_id) WHERE state = 'waiting';
CREATE INDEX deliveries_by_subscriber ON deliveries (subscriber_id);
CREATE INDEX deliveries_done ON deliveries (created_at) WHERE state IN ('sent', 'failed', 'digested');

-- one digest run per day, whichever replica comes first
CREATE TABLE digest_runs (
    run_date date PRIMARY KEY,
    ran_at   timestamptz NOT NULL DEFAULT now()
);
