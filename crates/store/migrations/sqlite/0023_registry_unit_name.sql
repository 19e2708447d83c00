-- The OPD an entry is for, as named on the request. `unit_id` is that
-- OPD's unit when Sopir knows it (empty otherwise); `unit_name` keeps what
-- the request said, so an OPD not (yet) among the units is still the
-- entry's unit and is found by the search. Entries made before keep the
-- requester's unit in `unit_id` and an empty `unit_name`.
ALTER TABLE registry_entries ADD COLUMN unit_name TEXT NOT NULL DEFAULT '';

-- The trigram index covers the unit as named too.
DROP TRIGGER registry_search_insert;
DROP TRIGGER registry_search_update;
DROP TRIGGER registry_search_delete;
DROP TABLE registry_search;
CREATE VIRTUAL TABLE registry_search USING fts5(entry_id UNINDEXED, name, responsible, unit_name, tokenize = 'trigram');
INSERT INTO registry_search (entry_id, name, responsible, unit_name)
    SELECT id, name, responsible, unit_name FROM registry_entries;

CREATE TRIGGER registry_search_insert AFTER INSERT ON registry_entries BEGIN
    INSERT INTO registry_search (entry_id, name, responsible, unit_name)
    VALUES (new.id, new.name, new.responsible, new.unit_name);
END;
CREATE TRIGGER registry_search_update AFTER UPDATE OF name, responsible, unit_name ON registry_entries BEGIN
    DELETE FROM registry_search WHERE entry_id = old.id;
    INSERT INTO registry_search (entry_id, name, responsible, unit_name)
    VALUES (new.id, new.name, new.responsible, new.unit_name);
END;
CREATE TRIGGER registry_search_delete AFTER DELETE ON registry_entries BEGIN
    DELETE FROM registry_search WHERE entry_id = old.id;
END;
