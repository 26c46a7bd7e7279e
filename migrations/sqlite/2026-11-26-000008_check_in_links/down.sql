DELETE FROM voting_tokens WHERE purpose = 'check_in';
CREATE TABLE voting_tokens_old (
    token_hash TEXT PRIMARY KEY NOT NULL,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    associate_id BIGINT NOT NULL REFERENCES associates (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('card', 'convocation')),
    issued_at TIMESTAMP NOT NULL,
    issued_by BIGINT
);
INSERT INTO voting_tokens_old SELECT token_hash, assembly_id, associate_id, purpose, issued_at, issued_by FROM voting_tokens;
DROP TABLE voting_tokens;
ALTER TABLE voting_tokens_old RENAME TO voting_tokens;
CREATE INDEX voting_tokens_assembly ON voting_tokens (assembly_id, associate_id);
