-- The minutes (procès-verbal) of an assembly, one row per version: a draft
-- the secretary completes (documents submitted, a summary of the debates per
-- resolution), then signed by the bureau and frozen (the rendered Markdown
-- and its SHA-256). A correction is a new version, never an overwrite.
CREATE TABLE minutes (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    version BIGINT NOT NULL CHECK (version >= 1),
    status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    documents TEXT NOT NULL,
    -- JSON object: resolution id (as a string) -> summary of the debates.
    debates TEXT NOT NULL,
    -- JSON array of {"as", "account_id", "email", "at"}.
    signatures TEXT NOT NULL,
    -- Set when frozen: the Markdown as signed, its SHA-256 (hex), the facts (JSON).
    content TEXT,
    digest TEXT,
    model TEXT,
    created_at TIMESTAMP NOT NULL,
    signed_at TIMESTAMP,
    PRIMARY KEY (assembly_id, version)
);
