-- One-time links sent by e-mail (SECURITY.md item 2): a login link or a
-- password reset, kept as the SHA-256 of the token, valid 15 minutes,
-- deleted when used.
CREATE TABLE login_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('login', 'reset')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX login_links_account ON login_links (account_id);
CREATE INDEX login_links_expires ON login_links (expires_at);

-- Requests for such links, kept 15 minutes, counted per e-mail and per
-- client address whether or not the e-mail has an account.
CREATE TABLE login_link_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_link_requests_email ON login_link_requests (email, at);
CREATE INDEX login_link_requests_address ON login_link_requests (address, at);
CREATE INDEX login_link_requests_at ON login_link_requests (at);
