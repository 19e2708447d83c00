-- The OPD an entry is for, as named on the request. `unit_id` is that
-- OPD's unit when Sopir knows it (empty otherwise); `unit_name` keeps what
-- the request said, so an OPD not (yet) among the units is still the
-- entry's unit and is found by the search. Entries made before keep the
-- requester's unit in `unit_id` and an empty `unit_name`.
ALTER TABLE registry_entries ADD COLUMN unit_name TEXT NOT NULL DEFAULT '';

-- Searched like the name and the responsible person (see 0019).
DO $$
BEGIN
    CREATE INDEX registry_entries_unit_name_trgm ON registry_entries USING gin (LOWER(unit_name) gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'pg_trgm tidak tersedia (%): pencarian unit registri membaca seluruh registri', SQLERRM;
END $$;
