-- Search that finds what people type: German full text over a measure and the names of what it
-- refers to, parts of compounds and spellings without hyphens ("eakte" finds "E-Akte") through
-- trigram-indexed folded text, and "did you mean" from the catalog's own words.
-- pg_trgm is a trusted extension: the owner of the database (the service's role) may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Text as search compares it: lower case, umlauts and sharp s spelled out, accents dropped,
-- hyphens, dots and apostrophes inside a word removed ("E-Akte" -> "eakte", "4.0" -> "40"),
-- everything else that is not a letter or digit a single space.
CREATE FUNCTION catalog_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(regexp_replace(
        translate(
            replace(replace(replace(replace(replace(replace(replace(replace(lower(t),
                'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'), 'Ä', 'ae'), 'Ö', 'oe'), 'Ü', 'ue'), 'ẞ', 'ss'),
            'àáâãåāçćčèéêëēėęìíîïīłñńòóôõøōśšùúûūýÿźżž',
            'aaaaaaccceeeeeeeiiiiilnnoooooossuuuuyyzzz'),
        '([[:alnum:]])[-.''’]+(?=[[:alnum:]])', '\1', 'g'),
        '[^[:alnum:]]+', ' ', 'g'))
$$;

ALTER TABLE measures DROP COLUMN search;  -- replaced: it knew only the measure's own texts
ALTER TABLE measures
    ADD COLUMN search_document tsvector NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN search_text text NOT NULL DEFAULT '';
CREATE INDEX measures_search_document ON measures USING gin (search_document);
CREATE INDEX measures_search_text ON measures USING gin (search_text gin_trgm_ops);

-- The words and names a "did you mean" may offer, as written and folded.
CREATE TABLE search_terms (
    folded text PRIMARY KEY,
    term   text NOT NULL
);
CREATE INDEX search_terms_similar ON search_terms USING gin (folded gin_trgm_ops);

-- Rebuild the search document of the given measures (all when NULL): the title (weight A); the
-- summary and the names of its fields in every edition, their core areas and its principles (B);
-- the description and its goals (C); its lead department (D).
CREATE FUNCTION catalog_refresh_search(ids uuid[]) RETURNS void
LANGUAGE sql AS $$
    WITH placed AS (
        SELECT mf.measure_id,
               string_agg(DISTINCT f.name, ' ') AS field_names,
               coalesce(string_agg(DISTINCT c.name, ' '), '') AS core_area_names,
               coalesce(string_agg(DISTINCT g.title || ' ' || g.description, ' '), '') AS goal_texts
          FROM measure_fields mf
          JOIN measures m ON m.measure_id = mf.measure_id
          JOIN fields f ON f.edition = mf.edition AND f.slug = mf.field_slug
          LEFT JOIN core_areas c ON c.edition = f.edition AND c.slug = f.core_area_slug
          LEFT JOIN goals g ON g.edition = mf.edition AND g.field_slug = mf.field_slug AND g.slug = ANY (m.goals)
         WHERE ids IS NULL OR mf.measure_id = ANY (ids)
         GROUP BY mf.measure_id
    ), parts AS (
        SELECT m.measure_id, m.title, m.summary, m.description,
               coalesce(p.field_names, '') AS field_names, coalesce(p.core_area_names, '') AS core_area_names,
               coalesce(p.goal_texts, '') AS goal_texts,
               coalesce((SELECT string_agg(pr.name, ' ') FROM principles pr WHERE pr.slug = ANY (m.principles)),
                        '') AS principle_names,
               coalesce(d.name || ' ' || d.code, '') AS lead
          FROM measures m
          LEFT JOIN placed p ON p.measure_id = m.measure_id
          LEFT JOIN departments d ON d.code = m.lead_code
         WHERE ids IS NULL OR m.measure_id = ANY (ids)
    )
    UPDATE measures m
       SET search_document =
               setweight(to_tsvector('german'::regconfig, p.title), 'A')
               || setweight(to_tsvector('german'::regconfig, concat_ws(' ', p.summary, p.field_names,
                                                                       p.core_area_names, p.principle_names)), 'B')
               || setweight(to_tsvector('german'::regconfig, p.description || ' ' || p.goal_texts), 'C')
               || setweight(to_tsvector('german'::regconfig, p.lead), 'D'),
           search_text = catalog_fold(concat_ws(' ', p.title, p.summary, p.description, p.field_names,
                                                p.core_area_names, p.goal_texts, p.principle_names, p.lead))
      FROM parts p
     WHERE p.measure_id = m.measure_id;
$$;

-- Rebuild the terms "did you mean" offers: the titles of current measures, the names of fields,
-- core areas, goals, principles and departments, and the words of all of these and of the
-- summaries (whole and, for hyphenated words, their parts), without stop words.
CREATE FUNCTION catalog_refresh_terms() RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(7340102);
    DELETE FROM search_terms;
    WITH names (value, whole) AS (
        SELECT title, true FROM measures WHERE NOT archived
        UNION ALL SELECT summary, false FROM measures WHERE NOT archived
        UNION ALL SELECT name, true FROM fields
        UNION ALL SELECT name, true FROM core_areas
        UNION ALL SELECT title, true FROM goals
        UNION ALL SELECT name, true FROM principles
        UNION ALL SELECT name, true FROM departments
    ), candidates (term) AS (
        SELECT value FROM names WHERE whole
        UNION ALL
        SELECT btrim(w, '-') FROM names, regexp_split_to_table(value, '[^[:alnum:]-]+') AS w
        UNION ALL
        SELECT w FROM names, regexp_split_to_table(value, '[^[:alnum:]]+') AS w
    )
    INSERT INTO search_terms (folded, term)
    SELECT catalog_fold(term), min(term)
      FROM candidates
     WHERE length(catalog_fold(term)) >= 4 AND to_tsvector('german'::regconfig, term) <> ''::tsvector
     GROUP BY 1;
$$;

SELECT catalog_refresh_search(NULL);
SELECT catalog_refresh_terms();
