-- The voting links an associate opens from the assembly's check-in page are
-- tokens of their own kind ('check_in'): a new one revokes the previous
-- without touching a printed card. SQLite cannot alter a CHECK: the table
-- is rebuilt.
CREATE TABLE voting_tokens_new (
    token_hash TEXT PRIMARY KEY NOT NULL,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    associate_id BIGINT NOT NULL REFERENCES associates (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('card', 'convocation', 'check_in')),
    issued_at TIMESTAMP NOT NULL,
    issued_by BIGINT
);
INSERT INTO voting_tokens_new SELECT token_hash, assembly_id, associate_id, purpose, issued_at, issued_by FROM voting_tokens;
DROP TABLE voting_tokens;
ALTER TABLE voting_tokens_new RENAME TO voting_tokens;
CREATE INDEX voting_tokens_assembly ON voting_tokens (assembly_id, associate_id);
