-- The voting links an associate opens from the assembly's check-in page are
-- tokens of their own kind ('check_in'): a new one revokes the previous
-- without touching a printed card.
ALTER TABLE voting_tokens DROP CONSTRAINT voting_tokens_purpose_check;
ALTER TABLE voting_tokens ADD CONSTRAINT voting_tokens_purpose_check
    CHECK (purpose IN ('card', 'convocation', 'check_in'));
