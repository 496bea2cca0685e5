-- Automatic flags, claims, reports, the measure projection, erasure and statistics.

-- What moderation knows of the catalog's measures, kept from measure.* events (newest version).
CREATE TABLE measures (
    measure_id uuid PRIMARY KEY,
    version    integer NOT NULL,
    slug       text NOT NULL,
    title      text NOT NULL,
    archived   boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- A queue item's state is its comment's fate: pending, then approved or rejected; an approved
-- one may be hidden after a report; a pending one is withdrawn when its author is erased.
-- closed_at is when it left the queue (decision or withdrawal). Erasure keeps the item for
-- the statistics but removes its text (body, fingerprint) and its author (participant_id).
ALTER TABLE queue_items DROP CONSTRAINT queue_items_state_check;
UPDATE queue_items q SET state = CASE d.decision WHEN 'approve' THEN 'approved' ELSE 'rejected' END
    FROM decisions d WHERE d.comment_id = q.comment_id AND q.state = 'decided';
ALTER TABLE queue_items ADD CONSTRAINT queue_items_state_check
    CHECK (state IN ('pending', 'approved', 'rejected', 'hidden', 'withdrawn'));
ALTER TABLE queue_items RENAME COLUMN decided_at TO closed_at;
ALTER TABLE queue_items ALTER COLUMN body DROP NOT NULL;
ALTER TABLE queue_items ALTER COLUMN participant_id DROP NOT NULL;
ALTER TABLE queue_items
    ADD COLUMN parent_id        uuid,
    ADD COLUMN fingerprint      text,
    ADD COLUMN claimed_by       uuid,
    ADD COLUMN claim_expires_at timestamptz,
    ADD COLUMN erased_at        timestamptz;
CREATE INDEX queue_items_participant ON queue_items (participant_id, submitted_at);
CREATE INDEX queue_items_fingerprint ON queue_items (fingerprint, submitted_at);
CREATE INDEX queue_items_open_at ON queue_items (submitted_at, closed_at);

-- The automatic checks' findings: one row per flag code, with the netiquette reason it points to.
CREATE TABLE flags (
    comment_id  uuid NOT NULL REFERENCES queue_items (comment_id),
    code        text NOT NULL,
    reason_code text NOT NULL,
    detail      text NOT NULL DEFAULT '',
    PRIMARY KEY (comment_id, code)
);
CREATE INDEX flags_code ON flags (code, comment_id);

-- Every decision: on a submitted comment (approve, reject: one each), on a published one
-- (hide: once), on its reports (dismiss: any number). By a moderator or automatic.
ALTER TABLE decisions DROP CONSTRAINT decisions_decision_check;
ALTER TABLE decisions ADD CONSTRAINT decisions_decision_check
    CHECK (decision IN ('approve', 'reject', 'hide', 'dismiss'));
ALTER TABLE decisions ADD COLUMN actor_kind text NOT NULL DEFAULT 'staff'
    CHECK (actor_kind IN ('staff', 'auto'));
DROP INDEX decisions_one_per_comment;
CREATE UNIQUE INDEX decisions_first_per_comment ON decisions (comment_id)
    WHERE decision IN ('approve', 'reject');
CREATE UNIQUE INDEX decisions_hide_once ON decisions (comment_id) WHERE decision = 'hide';
CREATE INDEX decisions_decided_at ON decisions (decided_at);

-- Citizens' reports on published comments; closed by a hide or a dismissal.
CREATE TABLE reports (
    report_id   uuid PRIMARY KEY,
    comment_id  uuid NOT NULL REFERENCES queue_items (comment_id),
    reporter_id uuid NOT NULL,
    reason      text NOT NULL,
    reported_at timestamptz NOT NULL,
    state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'hidden', 'dismissed', 'void')),
    resolved_at timestamptz
);
CREATE INDEX reports_open ON reports (comment_id) WHERE state = 'open';
CREATE INDEX reports_reporter ON reports (reporter_id);

-- Who did it: a moderator (actor_id), the automatic checks, or the service itself (queueing).
ALTER TABLE audit_log ADD COLUMN actor_kind text NOT NULL DEFAULT 'system'
    CHECK (actor_kind IN ('system', 'staff', 'auto'));
UPDATE audit_log SET actor_kind = 'staff' WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_comment ON audit_log (comment_id, seq);

-- Participants whose erasure was applied, so that their events arriving late store nothing.
CREATE TABLE erased_participants (
    participant_id uuid PRIMARY KEY,
    erased_at      timestamptz NOT NULL DEFAULT now()
);
