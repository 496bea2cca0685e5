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
-- and with `names` those of the names of everything else; search_terms then holds, for each folded
-- term touched, the first spelling any source has.
CREATE FUNCTION catalog_refresh_terms(ids uuid[], names boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    touched text[];
    fresh text[];
BEGIN
    PERFORM pg_advisory_xact_lock(7340102);  -- two writers never interleave their term updates
    WITH gone AS (
        DELETE FROM search_term_sources s
         WHERE (s.source LIKE 'measure:%'
                AND (ids IS NULL OR s.source = ANY (ARRAY(SELECT 'measure:' || i FROM unnest(ids) AS i))))
            OR (names AND s.source = 'names')
     RETURNING s.folded
    )
    SELECT coalesce(array_agg(DISTINCT folded), '{}') INTO touched FROM gone;
    WITH added AS (
        INSERT INTO search_term_sources (source, folded, term)
        SELECT DISTINCT 'measure:' || m.measure_id, t.folded, t.term
          FROM measures m,
               LATERAL (SELECT * FROM catalog_terms(m.title, true)
                        UNION SELECT * FROM catalog_terms(m.summary, false)) AS t
         WHERE NOT m.archived AND (ids IS NULL OR m.measure_id = ANY (ids))
        UNION
        SELECT 'names', t.folded, t.term
          FROM (SELECT name FROM fields
                UNION ALL SELECT name FROM core_areas
                UNION ALL SELECT title FROM goals
                UNION ALL SELECT name FROM principles
                UNION ALL SELECT name FROM departments) AS n (value),
               LATERAL catalog_terms(n.value, true) AS t
         WHERE names
        RETURNING folded
    )
    SELECT coalesce(array_agg(DISTINCT folded), '{}') INTO fresh FROM added;
    touched := touched || fresh;
    DELETE FROM search_terms WHERE folded = ANY (touched);
    INSERT INTO search_terms (folded, term)
    SELECT s.folded, min(s.term) FROM search_term_sources s WHERE s.folded = ANY (touched) GROUP BY s.folded;
END
$$;

DELETE FROM search_terms;
SELECT catalog_refresh_terms(NULL, true);
