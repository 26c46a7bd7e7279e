-- The second factor of an account (issue #11): a TOTP secret (RFC 6238,
-- SHA-1, 6 digits, 30 s), base32, which the server must read to check a
-- code; `last_step` is the last time step a code was accepted for, so a
-- code serves once. One row per account that enrolled.
CREATE TABLE second_factors (
    account_id BIGINT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    last_step BIGINT NOT NULL,
    enrolled_at TIMESTAMP NOT NULL
);

-- Single-use recovery codes, kept as the SHA-256 of the account id and the
-- code (services::second_factor), deleted when used.
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX recovery_codes_account ON recovery_codes (account_id);

-- A password accepted, the code still to come: the digest of the random id
-- the browser holds in a cookie, valid 5 minutes. No session exists until
-- the code is right.
CREATE TABLE pending_logins (
    id_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_logins_account ON pending_logins (account_id);
CREATE INDEX pending_logins_created ON pending_logins (created_at);
