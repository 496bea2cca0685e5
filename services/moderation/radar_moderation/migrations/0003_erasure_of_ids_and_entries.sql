-- After an erasure no table holds the participant's id: an erased participant is known by a
-- digest (the SHA-256 of the id as text, domain.participant_digest), enough to recognise the
-- id on an event that arrives late and no way back to it.
ALTER TABLE erased_participants ADD COLUMN participant_digest text;
UPDATE erased_participants
    SET participant_digest = encode(sha256(convert_to(participant_id::text, 'UTF8')), 'hex');
ALTER TABLE erased_participants DROP CONSTRAINT erased_participants_pkey;
ALTER TABLE erased_participants DROP COLUMN participant_id;
ALTER TABLE erased_participants ADD PRIMARY KEY (participant_digest);

-- Decision events with a moderator's note (which may quote the comment) by comment, so that the
-- erasure of the comment's author can delete their stream entries. When the relay records the
-- entry an outbox row became, the trigger copies its id here, in the relay's transaction.
CREATE TABLE noted_events (
    event_id   uuid PRIMARY KEY,
    comment_id uuid NOT NULL,
    stream     text NOT NULL,
    entry_id   text
);
CREATE INDEX noted_events_comment ON noted_events (comment_id);

CREATE FUNCTION keep_noted_entry_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE noted_events SET entry_id = NEW.entry_id WHERE event_id = NEW.event_id;
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_keep_noted_entry_id AFTER UPDATE OF entry_id ON outbox
    FOR EACH ROW WHEN (NEW.entry_id IS NOT NULL) EXECUTE FUNCTION keep_noted_entry_id();

-- Stream entries to delete (XDEL) once the erasure that queued them has committed.
CREATE TABLE stream_erasures (
    stream    text NOT NULL,
    entry_id  text NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, entry_id)
);

-- Decisions written before this migration: their events still in the outbox.
INSERT INTO noted_events (event_id, comment_id, stream, entry_id)
SELECT event_id, (body::jsonb #>> '{payload,comment_id}')::uuid, stream, entry_id
FROM outbox
WHERE stream IN ('radar.comment.approved', 'radar.comment.rejected', 'radar.comment.hidden')
  AND body::jsonb #>> '{payload,note}' IS NOT NULL;
