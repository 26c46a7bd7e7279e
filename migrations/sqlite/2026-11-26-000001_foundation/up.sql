-- Settings kept by the instance itself (e.g. the generated secret key).
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'secretary', 'associate')),
    associate_id BIGINT,
    created_at TIMESTAMP NOT NULL
);

-- API bearer tokens, stored only as a SHA-256 digest.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);
