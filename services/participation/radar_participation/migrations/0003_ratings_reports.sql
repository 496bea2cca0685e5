-- One rating per participant and measure; one report per participant and comment.
CREATE TABLE ratings (
    measure_id     uuid NOT NULL REFERENCES measures (measure_id),
    participant_id uuid NOT NULL,
    stars          smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
    rated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (measure_id, participant_id)
);
CREATE INDEX ratings_participant ON ratings (participant_id);

CREATE TABLE reports (
    report_id   uuid PRIMARY KEY,
    comment_id  uuid NOT NULL REFERENCES comments (comment_id),
    reporter_id uuid NOT NULL,
    reason      text NOT NULL,
    reported_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (comment_id, reporter_id)
);
CREATE INDEX reports_reporter ON reports (reporter_id);
