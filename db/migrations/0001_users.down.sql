DROP TABLE email_tokens;
DROP TABLE users;
