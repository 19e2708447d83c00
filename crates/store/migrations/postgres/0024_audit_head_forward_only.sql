-- The audit chain's head only moves forward: appending advances it, and the
-- write queue's lock rewrites it unchanged; moving it back (to hide a cut
-- tail), deleting or truncating it is refused. TRUNCATE passes row
-- triggers by, so the event log refuses it with a statement trigger of its
-- own. Someone who drops these triggers is caught by the checkpoints kept
-- outside the database (see store::checkpoint).
CREATE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'the audit head only moves forward';
    END IF;
    IF NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) THEN
        RAISE EXCEPTION 'the audit head only moves forward';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_head_not_truncated BEFORE TRUNCATE ON audit_head
FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER events_not_truncated BEFORE TRUNCATE ON events
FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
