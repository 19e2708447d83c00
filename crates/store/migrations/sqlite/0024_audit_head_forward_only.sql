-- The audit chain's head only moves forward: appending advances it, and the
-- write queue's lock rewrites it unchanged; moving it back (to hide a cut
-- tail) or deleting it is refused, as changing an event is. Someone who
-- drops these triggers is caught by the checkpoints kept outside the
-- database (see store::checkpoint).
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash)
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
CREATE TRIGGER audit_head_kept BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
