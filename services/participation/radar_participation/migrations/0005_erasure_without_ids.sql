-- After an erasure no table holds the participant's id. An erasure request names its participant
-- by a digest (the SHA-256 of the id as text, domain.participant_digest): enough to answer a
-- repeated request and to refuse what is sent later under that id, and no way back to the id.
ALTER TABLE erasure_requests ADD COLUMN participant_digest text;
UPDATE erasure_requests SET participant_digest = encode(sha256(convert_to(participant_id::text, 'UTF8')), 'hex');
ALTER TABLE erasure_requests ALTER COLUMN participant_digest SET NOT NULL;
DROP INDEX erasure_requests_open;
ALTER TABLE erasure_requests DROP COLUMN participant_id;
CREATE UNIQUE INDEX erasure_requests_open ON erasure_requests (participant_digest) WHERE erased_at IS NULL;
CREATE INDEX erasure_requests_participant ON erasure_requests (participant_digest, requested_at);

-- The entry that announced an erasure carries the id; it is deleted only once every consumer
-- group on its stream has read it (erasure.delete_queued_entries).
ALTER TABLE stream_erasures ADD COLUMN after_every_group boolean NOT NULL DEFAULT false;
