-- Erasure requests, and what erasure needs to find the stream entries that carried a
-- participant's data after the outbox row that became the entry is gone (it is deleted a
-- day after publishing, the entry may live longer).
CREATE TABLE erasure_requests (
    request_id     uuid PRIMARY KEY,
    participant_id uuid NOT NULL,
    requested_at   timestamptz NOT NULL,
    erased_at      timestamptz
);
CREATE UNIQUE INDEX erasure_requests_open ON erasure_requests (participant_id) WHERE erased_at IS NULL;

-- Every event this service writes that carries a participant's text or report, by participant:
-- a comment.reported carries its reporter and the author of the text it quotes.
CREATE TABLE carried_events (
    event_id       uuid NOT NULL,
    participant_id uuid NOT NULL,
    stream         text NOT NULL,
    entry_id       text,
    PRIMARY KEY (event_id, participant_id)
);
CREATE INDEX carried_events_participant ON carried_events (participant_id);

-- The relay knows nothing of participants: when it records the entry an outbox row became,
-- the entry id is copied here, in the relay's own transaction.
CREATE FUNCTION keep_carried_entry_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE carried_events SET entry_id = NEW.entry_id WHERE event_id = NEW.event_id;
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_keep_carried_entry_id AFTER UPDATE OF entry_id ON outbox
    FOR EACH ROW WHEN (NEW.entry_id IS NOT NULL) EXECUTE FUNCTION keep_carried_entry_id();

-- Stream entries to delete (XDEL) once the erasure that queued them has committed.
CREATE TABLE stream_erasures (
    stream    text NOT NULL,
    entry_id  text NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, entry_id)
);

-- Comments written before this migration: their events still in the outbox.
INSERT INTO carried_events (event_id, participant_id, stream, entry_id)
SELECT o.event_id, c.participant_id, o.stream, o.entry_id
FROM outbox o
JOIN comments c ON c.comment_id = (o.body::jsonb #>> '{payload,comment_id}')::uuid
WHERE o.stream IN ('radar.comment.submitted', 'radar.comment.published');
