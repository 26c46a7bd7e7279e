CREATE TABLE assemblies (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ordinary', 'extraordinary', 'combined')),
    starts_at TIMESTAMP NOT NULL,
    place TEXT NOT NULL,
    remote BOOLEAN NOT NULL,
    remote_url TEXT,
    call_number BIGINT NOT NULL CHECK (call_number IN (1, 2)),
    first_call_id BIGINT REFERENCES assemblies (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'convened', 'open', 'closed')),
    convened_at TIMESTAMP,
    notice_overridden BOOLEAN NOT NULL,
    opened_at TIMESTAMP,
    closed_at TIMESTAMP,
    chair TEXT,
    secretary TEXT,
    scrutineers TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The voter roll, frozen when the assembly is convened.
CREATE TABLE voters (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    associate_id BIGINT NOT NULL REFERENCES associates (id),
    college_id BIGINT NOT NULL REFERENCES colleges (id),
    category TEXT NOT NULL,
    PRIMARY KEY (assembly_id, associate_id)
) WITHOUT ROWID;

-- The current attendance of each voter; NULL holder with 'represented' is
-- a blank proxy (RULES E12).
CREATE TABLE attendance (
    assembly_id BIGINT NOT NULL,
    associate_id BIGINT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('present', 'remote', 'represented', 'correspondence', 'absent')),
    proxy_holder_id BIGINT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (assembly_id, associate_id),
    FOREIGN KEY (assembly_id, associate_id) REFERENCES voters (assembly_id, associate_id)
) WITHOUT ROWID;

-- Every arrival and departure, so the quorum at any moment can be rebuilt.
CREATE TABLE attendance_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    associate_id BIGINT NOT NULL,
    mode TEXT NOT NULL,
    proxy_holder_id BIGINT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX attendance_events_assembly ON attendance_events (assembly_id);

CREATE TABLE resolutions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    majority TEXT NOT NULL CHECK (majority IN ('ordinary', 'extraordinary')),
    weighted BOOLEAN NOT NULL,
    secret BOOLEAN NOT NULL,
    board_approved BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    opened_at TIMESTAMP,
    closed_at TIMESTAMP,
    quorum TEXT,
    chain_head TEXT NOT NULL,
    ballot_count BIGINT NOT NULL,
    result TEXT,
    UNIQUE (assembly_id, number)
);

-- Who took part: one row per associate per resolution — the database
-- itself refuses a second ballot. No time, no order, no link to the choice.
CREATE TABLE participations (
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id),
    associate_id BIGINT NOT NULL REFERENCES associates (id),
    PRIMARY KEY (resolution_id, associate_id)
) WITHOUT ROWID;

-- What was chosen: a random id, the receipt, the college it counts in, and
-- the voter only for a named ballot. position orders the hash chain.
CREATE TABLE ballots (
    id TEXT PRIMARY KEY NOT NULL,
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id),
    receipt TEXT NOT NULL UNIQUE,
    choice TEXT NOT NULL CHECK (choice IN ('for', 'against', 'abstain')),
    college_id BIGINT NOT NULL,
    associate_id BIGINT,
    position BIGINT NOT NULL,
    UNIQUE (resolution_id, position)
) WITHOUT ROWID;

-- Bearer tokens that can only cast one associate's ballots in one assembly
-- (voting cards, and the links of the convocation).
CREATE TABLE voting_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    associate_id BIGINT NOT NULL REFERENCES associates (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('card', 'convocation')),
    issued_at TIMESTAMP NOT NULL,
    issued_by BIGINT
);
CREATE INDEX voting_tokens_assembly ON voting_tokens (assembly_id, associate_id);

-- Every convocation sent (or failed), never silently dropped.
CREATE TABLE convocations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    associate_id BIGINT NOT NULL REFERENCES associates (id),
    email TEXT NOT NULL,
    message_id TEXT,
    error TEXT,
    attempted_at TIMESTAMP NOT NULL
);
CREATE INDEX convocations_assembly ON convocations (assembly_id);
