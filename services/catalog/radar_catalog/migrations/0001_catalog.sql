-- The strategy's structure: core areas (optional), fields of action, focus areas, goals.
CREATE TABLE core_areas (
    slug         text PRIMARY KEY,
    name         text NOT NULL,
    position     integer NOT NULL DEFAULT 0,
    introduction text NOT NULL DEFAULT '',
    quote        jsonb,
    media        jsonb NOT NULL DEFAULT '[]',
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fields (
    slug           text PRIMARY KEY,
    name           text NOT NULL,
    position       integer NOT NULL DEFAULT 0,
    core_area_slug text REFERENCES core_areas (slug),
    introduction   text NOT NULL DEFAULT '',
    quote          jsonb,
    media          jsonb NOT NULL DEFAULT '[]',
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE focus_areas (
    field_slug text NOT NULL REFERENCES fields (slug),
    slug       text NOT NULL,
    name       text NOT NULL,
    position   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (field_slug, slug)
);

CREATE TABLE goals (
    field_slug  text NOT NULL REFERENCES fields (slug),
    slug        text NOT NULL,
    title       text NOT NULL,
    description text NOT NULL DEFAULT '',
    position    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (field_slug, slug)
);

-- The vocabularies a measure draws from: the strategy's principles and the city's departments.
CREATE TABLE principles (
    slug     text PRIMARY KEY,
    name     text NOT NULL,
    position integer NOT NULL DEFAULT 0
);

CREATE TABLE departments (
    code text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE measures (
    measure_id  uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE,
    title       text NOT NULL CHECK (title <> ''),
    summary     text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    field_slug  text NOT NULL REFERENCES fields (slug),
    goals       text[] NOT NULL DEFAULT '{}',
    status      text NOT NULL DEFAULT 'unbekannt'
                CHECK (status IN ('geplant', 'in_umsetzung', 'abgeschlossen', 'eingestellt', 'unbekannt')),
    start_year  integer,
    end_year    integer,
    progress    integer CHECK (progress BETWEEN 0 AND 100),
    lead_code   text REFERENCES departments (code),
    principles  text[] NOT NULL DEFAULT '{}',
    links       jsonb NOT NULL DEFAULT '[]',
    unsure      text[] NOT NULL DEFAULT '{}',
    archived    boolean NOT NULL DEFAULT false,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    search      tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('german'::regconfig, title), 'A')
                    || setweight(to_tsvector('german'::regconfig, summary), 'B')
                    || setweight(to_tsvector('german'::regconfig, description), 'C')
                ) STORED,
    CHECK (end_year IS NULL OR start_year IS NULL OR end_year >= start_year)
);
CREATE INDEX measures_search ON measures USING gin (search);
CREATE INDEX measures_field ON measures (field_slug, status);

-- Every version of a measure: what changed (old and new), the public note, who, when.
CREATE TABLE measure_changes (
    measure_id  uuid NOT NULL REFERENCES measures (measure_id),
    version     integer NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('published', 'updated', 'archived')),
    changes     jsonb NOT NULL DEFAULT '[]',
    change_note text NOT NULL,
    changed_by  text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (measure_id, version)
);
CREATE INDEX measure_changes_newest ON measure_changes (changed_at DESC, measure_id, version DESC);
