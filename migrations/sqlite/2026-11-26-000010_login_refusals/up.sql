-- The refusals of the login limits already written to the audit log: one
-- per key (an e-mail or a client address) and lockout, so that a flood of
-- refused requests does not grow the audit log. Kept 15 minutes.
CREATE TABLE login_refusals (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_refusals_key ON login_refusals (key, at);
CREATE INDEX login_refusals_at ON login_refusals (at);
