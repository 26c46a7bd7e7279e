UPDATE ballots SET position = numbered.n
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY resolution_id ORDER BY receipt) AS n
      FROM ballots WHERE position IS NULL) AS numbered
WHERE ballots.id = numbered.id;
ALTER TABLE ballots ALTER COLUMN position SET NOT NULL;
