-- Secret ballots keep no order (docs/secret-ballot.md): a secret
-- resolution's ballots have no position (their chain is built at close over
-- the receipts in receipt order); a named resolution's keep their chain order.
ALTER TABLE ballots ALTER COLUMN position DROP NOT NULL;
UPDATE ballots SET position = NULL
WHERE resolution_id IN (SELECT id FROM resolutions WHERE secret);
