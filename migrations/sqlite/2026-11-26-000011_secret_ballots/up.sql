-- Secret ballots keep no order (docs/secret-ballot.md): a secret
-- resolution's ballots have no position (their chain is built at close over
-- the receipts in receipt order); a named resolution's keep their chain
-- order. SQLite cannot drop a NOT NULL, so the table is rebuilt, in key order.
CREATE TABLE ballots_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id),
    receipt TEXT NOT NULL UNIQUE,
    choice TEXT NOT NULL CHECK (choice IN ('for', 'against', 'abstain')),
    college_id BIGINT NOT NULL,
    associate_id BIGINT,
    position BIGINT,
    UNIQUE (resolution_id, position)
) WITHOUT ROWID;
INSERT INTO ballots_rebuilt
SELECT b.id, b.resolution_id, b.receipt, b.choice, b.college_id, b.associate_id,
       CASE WHEN r.secret THEN NULL ELSE b.position END
FROM ballots b JOIN resolutions r ON r.id = b.resolution_id
ORDER BY b.id;
DROP TABLE ballots;
ALTER TABLE ballots_rebuilt RENAME TO ballots;
