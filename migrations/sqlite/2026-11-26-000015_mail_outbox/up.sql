-- Every e-mail is first written here, in the transaction of the fact it
-- reports (a convocation, a proxy's ballot, a login link), then sent by a
-- background worker with retries: no request waits for a mail server, and a
-- restart resumes what was not sent. The letter (template and context) is
-- erased once sent: it may hold a personal link.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    template TEXT NOT NULL,
    letter TEXT,
    to_email TEXT NOT NULL,
    to_name TEXT NOT NULL,
    assembly_id BIGINT REFERENCES assemblies (id),
    associate_id BIGINT REFERENCES associates (id),
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    message_id TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_assembly ON mail_outbox (assembly_id);
