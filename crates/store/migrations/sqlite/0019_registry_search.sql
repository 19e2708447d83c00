-- Registry search by any part of a name or of the responsible person's
-- name, from a trigram index instead of reading the whole registry
-- (`LIKE '%…%'` grew linearly: 242 ms at 300,000 cases). The entry id is
-- kept as an unindexed column rather than borrowing the entry's rowid,
-- which `VACUUM` (and so `sopir backup`) may renumber. Entries are never
-- renamed or deleted by Sopir; the triggers keep the index right anyway.
CREATE VIRTUAL TABLE registry_search USING fts5(entry_id UNINDEXED, name, responsible, tokenize = 'trigram');
INSERT INTO registry_search (entry_id, name, responsible) SELECT id, name, responsible FROM registry_entries;

CREATE TRIGGER registry_search_insert AFTER INSERT ON registry_entries BEGIN
    INSERT INTO registry_search (entry_id, name, responsible) VALUES (new.id, new.name, new.responsible);
END;
CREATE TRIGGER registry_search_update AFTER UPDATE OF name, responsible ON registry_entries BEGIN
    DELETE FROM registry_search WHERE entry_id = old.id;
    INSERT INTO registry_search (entry_id, name, responsible) VALUES (new.id, new.name, new.responsible);
END;
CREATE TRIGGER registry_search_delete AFTER DELETE ON registry_entries BEGIN
    DELETE FROM registry_search WHERE entry_id = old.id;
END;

-- Entries of a unit whose name matches the search.
CREATE INDEX registry_entries_unit ON registry_entries(unit_id);
