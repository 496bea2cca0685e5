-- Editions of the strategy (Munich: 2019 with core areas, 2022 with fields). Core areas, fields,
-- focus areas and goals belong to one edition; a measure is placed in one field of each edition
-- it appears in. Rows that exist already go into a provisional current edition, which the next
-- data set that names its current edition adopts (seed.py).
CREATE TABLE editions (
    slug         text PRIMARY KEY,
    name         text NOT NULL,
    year         integer,
    position     integer NOT NULL DEFAULT 0,
    is_current   boolean NOT NULL DEFAULT false,
    provisional  boolean NOT NULL DEFAULT false,
    introduction text NOT NULL DEFAULT '',
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX editions_one_current ON editions (is_current) WHERE is_current;
INSERT INTO editions (slug, name, is_current, provisional) VALUES ('aktuell', 'Aktuelle Fassung', true, true);

ALTER TABLE fields DROP CONSTRAINT fields_core_area_slug_fkey;
ALTER TABLE focus_areas DROP CONSTRAINT focus_areas_field_slug_fkey;
ALTER TABLE goals DROP CONSTRAINT goals_field_slug_fkey;
ALTER TABLE measures DROP CONSTRAINT measures_field_slug_fkey;

-- what the data set knows exists but not its content, or not completely (goals, measures, quote ...)
ALTER TABLE core_areas
    ADD COLUMN edition text NOT NULL DEFAULT 'aktuell' REFERENCES editions (slug) ON UPDATE CASCADE,
    ADD COLUMN unknown text[] NOT NULL DEFAULT '{}',
    ADD COLUMN version integer NOT NULL DEFAULT 1,
    DROP CONSTRAINT core_areas_pkey,
    ADD PRIMARY KEY (edition, slug);
ALTER TABLE core_areas ALTER COLUMN edition DROP DEFAULT;

ALTER TABLE fields
    ADD COLUMN edition text NOT NULL DEFAULT 'aktuell' REFERENCES editions (slug) ON UPDATE CASCADE,
    ADD COLUMN unknown text[] NOT NULL DEFAULT '{}',
    ADD COLUMN version integer NOT NULL DEFAULT 1,
    DROP CONSTRAINT fields_pkey,
    ADD PRIMARY KEY (edition, slug),
    ADD FOREIGN KEY (edition, core_area_slug) REFERENCES core_areas (edition, slug) ON UPDATE CASCADE;
ALTER TABLE fields ALTER COLUMN edition DROP DEFAULT;

ALTER TABLE focus_areas
    ADD COLUMN edition text NOT NULL DEFAULT 'aktuell',
    DROP CONSTRAINT focus_areas_pkey,
    ADD PRIMARY KEY (edition, field_slug, slug),
    ADD FOREIGN KEY (edition, field_slug) REFERENCES fields (edition, slug) ON UPDATE CASCADE;
ALTER TABLE focus_areas ALTER COLUMN edition DROP DEFAULT;

ALTER TABLE goals
    ADD COLUMN edition text NOT NULL DEFAULT 'aktuell',
    DROP CONSTRAINT goals_pkey,
    ADD PRIMARY KEY (edition, field_slug, slug),
    ADD FOREIGN KEY (edition, field_slug) REFERENCES fields (edition, slug) ON UPDATE CASCADE;
ALTER TABLE goals ALTER COLUMN edition DROP DEFAULT;

-- A measure's field in each edition it appears in; its goals name goals of its current field.
CREATE TABLE measure_fields (
    measure_id uuid NOT NULL REFERENCES measures (measure_id),
    edition    text NOT NULL,
    field_slug text NOT NULL,
    PRIMARY KEY (measure_id, edition),
    FOREIGN KEY (edition, field_slug) REFERENCES fields (edition, slug) ON UPDATE CASCADE
);
CREATE INDEX measure_fields_by_field ON measure_fields (edition, field_slug);
INSERT INTO measure_fields (measure_id, edition, field_slug) SELECT measure_id, 'aktuell', field_slug FROM measures;
ALTER TABLE measures DROP COLUMN field_slug;
