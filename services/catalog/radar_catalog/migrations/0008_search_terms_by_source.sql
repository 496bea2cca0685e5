-- "Did you mean" terms kept per source, so a measure's create or edit changes only its own terms:
-- rebuilding every term under one lock on each write took 0.24 s at 1,000 measures and 3.9 s at
-- 10,000 (issue 12's growth benchmark), and the writes queued behind it.
CREATE TABLE search_term_sources (
    source text NOT NULL,  -- 'measure:<id>', or 'names': fields, core areas, goals, principles, departments
    folded text NOT NULL,
    term   text NOT NULL,
    PRIMARY KEY (source, folded, term)
);
CREATE INDEX search_term_sources_folded ON search_term_sources (folded);

-- The terms a text offers: whole (for names and titles) and its words, whole and, for hyphenated
-- words, their parts; folded at least 4 characters long and no stop word.
CREATE FUNCTION catalog_terms(value text, whole boolean) RETURNS TABLE (folded text, term text)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT catalog_fold(c.term), c.term
      FROM (SELECT value WHERE whole
            UNION ALL SELECT btrim(w, '-') FROM regexp_split_to_table(value, '[^[:alnum:]-]+') AS w
            UNION ALL SELECT w FROM regexp_split_to_table(value, '[^[:alnum:]]+') AS w) AS c (term)
     WHERE length(catalog_fold(c.term)) >= 4 AND to_tsvector('german'::regconfig, c.term) <> ''::tsvector
$$;

DROP FUNCTION catalog_refresh_terms();

-- Take the terms of these measures anew (every measure when NULL; an archived one offers none),
-- and with `names` those of the names of everything else. Only what changed is written: a term
-- new to a source is offered (search_terms keeps the first spelling of each folded term), and a
-- term no source holds any more is withdrawn, so an edit costs what it changes, not the catalog.
CREATE FUNCTION catalog_refresh_terms(ids uuid[], names boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    sources text[] := ARRAY(SELECT 'measure:' || i FROM unnest(ids) AS i);
    gone text[];
BEGIN
    PERFORM pg_advisory_xact_lock(7340102);  -- two writers never interleave their term updates
    IF ids IS NULL THEN
        sources := ARRAY(SELECT DISTINCT source FROM search_term_sources WHERE source LIKE 'measure:%')
                   || ARRAY(SELECT 'measure:' || measure_id FROM measures);
    END IF;
    IF names THEN
        sources := sources || 'names'::text;
    END IF;
    WITH wanted AS (
        SELECT DISTINCT 'measure:' || m.measure_id AS source, t.folded, t.term
          FROM measures m,
               LATERAL (SELECT * FROM catalog_terms(m.title, true)
                        UNION SELECT * FROM catalog_terms(m.summary, false)) AS t
         WHERE NOT m.archived AND m.measure_id = ANY (coalesce(ids, ARRAY(SELECT measure_id FROM measures)))
        UNION
        SELECT 'names', t.folded, t.term
          FROM (SELECT name FROM fields
                UNION ALL SELECT name FROM core_areas
                UNION ALL SELECT title FROM goals
                UNION ALL SELECT name FROM principles
                UNION ALL SELECT name FROM departments) AS n (value),
               LATERAL catalog_terms(n.value, true) AS t
         WHERE names
    ), dropped AS (
        DELETE FROM search_term_sources s
         WHERE s.source = ANY (sources)
           AND NOT EXISTS (SELECT 1 FROM wanted w
                            WHERE (w.source, w.folded, w.term) = (s.source, s.folded, s.term))
        RETURNING s.folded
    ), added AS (
        INSERT INTO search_term_sources (source, folded, term)
        SELECT source, folded, term FROM wanted
        ON CONFLICT DO NOTHING
        RETURNING folded, term
    ), offered AS (
        INSERT INTO search_terms (folded, term)
        SELECT folded, min(term) FROM added GROUP BY folded
        ON CONFLICT (folded) DO UPDATE SET term = least(search_terms.term, EXCLUDED.term)
    )
    SELECT coalesce(array_agg(DISTINCT folded), '{}') INTO gone FROM dropped;
    -- a term some source dropped: its first spelling among the sources left, or gone with the last
    UPDATE search_terms t SET term = first.term
      FROM (SELECT s.folded, min(s.term) AS term FROM search_term_sources s
             WHERE s.folded = ANY (gone) GROUP BY s.folded) AS first
     WHERE t.folded = first.folded AND t.term <> first.term;
    DELETE FROM search_terms t
     WHERE t.folded = ANY (gone) AND NOT EXISTS (SELECT 1 FROM search_term_sources s WHERE s.folded = t.folded);
END
$$;

DELETE FROM search_terms;
SELECT catalog_refresh_terms(NULL, true);
