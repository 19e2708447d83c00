-- Who published each SOP version: the person (an administrator who
-- uploaded it in the browser or through the API), or NULL for the
-- installation itself (built-in SOPs, the server's --sop-dir). The audit
-- chain records the same in its sop-published event; this column lets the
-- list of live SOPs say it without walking the chain.
ALTER TABLE sop_versions ADD COLUMN published_by TEXT;
