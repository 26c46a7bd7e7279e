-- Who cast the ballot of a participation, so that an associate sees every
-- ballot cast in their name (a voting card used by someone else is noticed):
-- `cast_by` is the associate who cast it (themselves or their proxy holder;
-- NULL for a blank proxy voted at close or a postal form entered by the
-- secretary), `cast_via` how: account, card (a voting card or link), postal,
-- blank_proxy. No timestamp, no receipt, no choice: for a secret resolution
-- nothing links the participation to its ballot.
ALTER TABLE participations ADD COLUMN cast_by BIGINT REFERENCES associates (id);
ALTER TABLE participations ADD COLUMN cast_via TEXT;
