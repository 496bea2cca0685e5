-- What participation knows of the catalog's measures, kept from measure.* events.
CREATE TABLE measures (
    measure_id uuid PRIMARY KEY,
    version    integer NOT NULL,
    slug       text NOT NULL UNIQUE,
    title      text NOT NULL,
    status     text NOT NULL,
    archived   boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE comments (
    comment_id     uuid PRIMARY KEY,
    measure_id     uuid NOT NULL REFERENCES measures (measure_id),
    participant_id uuid NOT NULL,
    parent_id      uuid REFERENCES comments (comment_id),
    body           text NOT NULL,
    status         text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'published', 'rejected', 'hidden')),
    reason_code    text,
    moderator_note text,
    submitted_at   timestamptz NOT NULL DEFAULT now(),
    decided_at     timestamptz,
    published_at   timestamptz
);
CREATE INDEX comments_thread ON comments (measure_id, published_at) WHERE status = 'published';
CREATE INDEX comments_author ON comments (participant_id, submitted_at);
