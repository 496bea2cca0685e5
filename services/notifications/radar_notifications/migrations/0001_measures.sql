-- What notifications knows of the catalog's measures (titles and slugs for messages).
CREATE TABLE measures (
    measure_id uuid PRIMARY KEY,
    version    integer NOT NULL,
    slug       text NOT NULL,
    title      text NOT NULL,
    field_slug text NOT NULL,
    status     text NOT NULL,
    archived   boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);
