-- Replies (parent_id exists since 0001), display names, withdrawal, erasure tombstones and
-- the idempotency key of the form a comment came from.
ALTER TABLE comments DROP CONSTRAINT comments_status_check;
ALTER TABLE comments
    ADD CONSTRAINT comments_status_check
        CHECK (status IN ('pending', 'published', 'rejected', 'hidden', 'withdrawn', 'erased')),
    ALTER COLUMN body DROP NOT NULL,
    ALTER COLUMN participant_id DROP NOT NULL,
    ADD COLUMN display_name text,
    ADD COLUMN idempotency_key text,
    ADD COLUMN withdrawn_at timestamptz,
    -- an erased comment is a tombstone that keeps the thread's shape and nothing of its author
    ADD CONSTRAINT comments_erased_hold_nothing CHECK (
        CASE WHEN status = 'erased'
            THEN body IS NULL AND participant_id IS NULL AND display_name IS NULL
                 AND moderator_note IS NULL AND idempotency_key IS NULL
            ELSE body IS NOT NULL AND participant_id IS NOT NULL
        END
    );
CREATE UNIQUE INDEX comments_idempotency ON comments (participant_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX comments_replies ON comments (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX comments_measure ON comments (measure_id, parent_id);
