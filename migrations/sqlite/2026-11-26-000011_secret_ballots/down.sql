CREATE TABLE ballots_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id),
    receipt TEXT NOT NULL UNIQUE,
    choice TEXT NOT NULL CHECK (choice IN ('for', 'against', 'abstain')),
    college_id BIGINT NOT NULL,
    associate_id BIGINT,
    position BIGINT NOT NULL,
    UNIQUE (resolution_id, position)
) WITHOUT ROWID;
INSERT INTO ballots_rebuilt
SELECT id, resolution_id, receipt, choice, college_id, associate_id,
       COALESCE(position, ROW_NUMBER() OVER (PARTITION BY resolution_id ORDER BY receipt))
FROM ballots ORDER BY id;
DROP TABLE ballots;
ALTER TABLE ballots_rebuilt RENAME TO ballots;
