-- Yearly reports per measure (the entries of the Digitalisierungsbericht). measure_reports holds
-- the editors' working copy of each measure's year: a draft, or the text as last published.
-- Every publication adds a row to measure_report_versions; the public reads only those, so a
-- draft over a published year changes nothing public until it is published as the next version.
CREATE TABLE measure_reports (
    measure_id   uuid NOT NULL REFERENCES measures (measure_id),
    year         integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    achievements text NOT NULL DEFAULT '',
    outlook      text NOT NULL DEFAULT '',
    highlights   text NOT NULL DEFAULT '',
    kpis         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(kpis) = 'array'),
    progress     integer CHECK (progress BETWEEN 0 AND 100),
    status       text NOT NULL CHECK (status IN ('draft', 'published')),
    version      integer NOT NULL DEFAULT 0 CHECK (version >= 0),  -- newest published version; 0: none yet
    change_note  text NOT NULL DEFAULT '',
    updated_by   text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (measure_id, year)
);

CREATE TABLE measure_report_versions (
    measure_id   uuid NOT NULL,
    year         integer NOT NULL,
    version      integer NOT NULL CHECK (version >= 1),
    achievements text NOT NULL CHECK (achievements <> ''),
    outlook      text NOT NULL,
    highlights   text NOT NULL,
    kpis         jsonb NOT NULL CHECK (jsonb_typeof(kpis) = 'array'),
    progress     integer CHECK (progress BETWEEN 0 AND 100),
    change_note  text NOT NULL CHECK (change_note <> ''),
    published_by text NOT NULL,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (measure_id, year, version),
    FOREIGN KEY (measure_id, year) REFERENCES measure_reports (measure_id, year)
);
CREATE INDEX measure_report_versions_by_year ON measure_report_versions (year, measure_id, version DESC);
