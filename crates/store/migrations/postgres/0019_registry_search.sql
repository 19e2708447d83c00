-- Registry search by any part of a name or of the responsible person's
-- name, from trigram indexes (pg_trgm) instead of reading the whole
-- registry. pg_trgm ships with PostgreSQL (contrib); where it cannot be
-- installed the migration still succeeds (PostgreSQL logs a warning) and
-- the search works by reading the registry, as before.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX registry_entries_name_trgm ON registry_entries USING gin (LOWER(name) gin_trgm_ops);
    CREATE INDEX registry_entries_responsible_trgm ON registry_entries USING gin (LOWER(responsible) gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'pg_trgm tidak tersedia (%): pencarian registri membaca seluruh registri', SQLERRM;
END $$;

-- Entries of a unit whose name matches the search.
CREATE INDEX registry_entries_unit ON registry_entries(unit_id);
