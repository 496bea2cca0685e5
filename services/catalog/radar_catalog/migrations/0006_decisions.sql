-- Council decisions (Munich: Stadtratsbeschlüsse) by paper number: the decisions that created or
-- changed a measure, and the one that adopted an edition of the strategy. What is not known of a
-- decision stays empty (no date, no title, no link); an imported one keeps its OParl id.
CREATE TABLE decisions (
    decision_id    uuid PRIMARY KEY,
    paper_number   text NOT NULL UNIQUE CHECK (paper_number <> ''),
    decided_on     date,
    title          text NOT NULL DEFAULT '',
    url            text NOT NULL DEFAULT '',
    oparl_id       text UNIQUE CHECK (oparl_id <> ''),
    adopts_edition text UNIQUE REFERENCES editions (slug) ON UPDATE CASCADE,
    updated_by     text NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE measure_decisions (
    measure_id  uuid NOT NULL REFERENCES measures (measure_id),
    decision_id uuid NOT NULL REFERENCES decisions (decision_id),
    role        text NOT NULL CHECK (role IN ('created', 'changed')),
    PRIMARY KEY (measure_id, decision_id)
);
CREATE INDEX measure_decisions_by_decision ON measure_decisions (decision_id);
