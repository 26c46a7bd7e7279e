-- The cooperative itself: one row (id = 1). Rules are the JSON object of
-- CONTRACT.md, validated by src/domain/rules.rs before they are stored.
CREATE TABLE cooperative (
    id BIGINT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    legal_form TEXT NOT NULL CHECK (legal_form IN ('SA', 'SARL', 'SAS')),
    registered_office TEXT NOT NULL,
    share_value_cents BIGINT NOT NULL CHECK (share_value_cents > 0),
    statutory_floor_cents BIGINT NOT NULL CHECK (statutory_floor_cents >= 0),
    weighted_by_default BOOLEAN NOT NULL,
    rules TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Voting colleges. A weight is an exact fraction of 1. A removed college is
-- kept (retired) so that past assemblies still name it.
CREATE TABLE colleges (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    weight_num BIGINT NOT NULL,
    weight_den BIGINT NOT NULL CHECK (weight_den > 0),
    position BIGINT NOT NULL,
    retired BOOLEAN NOT NULL
);

-- Nobody is ever deleted: leaving is a dated status. The number is given at
-- admission and never reused.
CREATE TABLE associates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    number BIGINT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'entity')),
    name TEXT NOT NULL,
    representative TEXT,
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('employee', 'beneficiary', 'producer', 'volunteer', 'local_authority', 'public_body', 'other')),
    college_id BIGINT NOT NULL REFERENCES colleges (id),
    admitted_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn', 'excluded', 'deceased')),
    status_on DATE,
    status_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX associates_college ON associates (college_id);

-- The capital ledger: holdings and capital are sums over it, never stored.
CREATE TABLE share_movements (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    associate_id BIGINT NOT NULL REFERENCES associates (id),
    kind TEXT NOT NULL CHECK (kind IN ('subscription', 'payment', 'transfer', 'redemption')),
    shares BIGINT NOT NULL CHECK (shares >= 0),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    on_date DATE NOT NULL,
    to_associate_id BIGINT REFERENCES associates (id),
    recorded_by BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX share_movements_associate ON share_movements (associate_id);

-- Who changed what, when: shown as the history of an associate.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    account_id BIGINT REFERENCES accounts (id),
    subject TEXT NOT NULL,
    subject_id BIGINT,
    action TEXT NOT NULL,
    details TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject, subject_id);

-- Browser sessions: a random id in a cookie, its digest here, so logout and
-- expiry end them on the server.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
