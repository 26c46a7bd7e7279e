DROP TABLE api_tokens;
DROP TABLE accounts;
DROP TABLE settings;
