DROP TABLE pending_logins;
DROP TABLE recovery_codes;
DROP TABLE second_factors;
