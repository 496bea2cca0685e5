-- One queue item per comment; a redelivered comment.submitted finds it already there.
CREATE TABLE queue_items (
    comment_id     uuid PRIMARY KEY,
    measure_id     uuid NOT NULL,
    participant_id uuid NOT NULL,
    body           text NOT NULL,
    state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'decided')),
    submitted_at   timestamptz NOT NULL,
    queued_at      timestamptz NOT NULL DEFAULT now(),
    decided_at     timestamptz
);
CREATE INDEX queue_items_pending ON queue_items (submitted_at) WHERE state = 'pending';

CREATE TABLE decisions (
    decision_id  uuid PRIMARY KEY,
    comment_id   uuid NOT NULL REFERENCES queue_items (comment_id),
    decision     text NOT NULL CHECK (decision IN ('approve', 'reject')),
    reason_code  text,
    note         text,
    moderator_id uuid,
    decided_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX decisions_one_per_comment ON decisions (comment_id);

-- Every decision and every automatic action, in order.
CREATE TABLE audit_log (
    seq        bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   uuid,
    action     text NOT NULL,
    comment_id uuid NOT NULL,
    details    jsonb NOT NULL DEFAULT '{}'::jsonb
);
