DELETE FROM voting_tokens WHERE purpose = 'check_in';
ALTER TABLE voting_tokens DROP CONSTRAINT voting_tokens_purpose_check;
ALTER TABLE voting_tokens ADD CONSTRAINT voting_tokens_purpose_check
    CHECK (purpose IN ('card', 'convocation'));
