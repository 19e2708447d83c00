-- Numbers of outgoing letters reserved before their signing step's command
-- (the letter is rendered and signed outside the write queue): a row lives
-- from the reservation until the letter is filed under it, or is voided with
-- the reason when the letter was not signed after all and the number was no
-- longer the sequence's last (see store::letter_reservation).
CREATE TABLE letter_reservations (
    agency_id TEXT NOT NULL,
    register TEXT NOT NULL,
    scope TEXT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL,
    case_id TEXT NOT NULL,
    reserved_by TEXT NOT NULL,
    reserved_at BIGINT NOT NULL,
    void_reason TEXT,
    voided_at BIGINT,
    PRIMARY KEY (agency_id, register, scope, year, seq)
);

CREATE INDEX letter_reservations_open ON letter_reservations(reserved_at) WHERE voided_at IS NULL;
