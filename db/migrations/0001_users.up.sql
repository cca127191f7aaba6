-- auth module: users and single-use email tokens.
CREATE TABLE users (
    id                uuid        NOT NULL,
    email             text        NOT NULL,
    email_normalized  text        NOT NULL,
    password_hash     text,
    first_name        text        NOT NULL DEFAULT '',
    last_name         text        NOT NULL DEFAULT '',
    email_verified_at timestamptz,
    is_sys_admin      boolean     NOT NULL DEFAULT false,
    suspended_at      timestamptz,
    deleted_at        timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_normalized_key UNIQUE (email_normalized)
);

CREATE TABLE email_tokens (
    token_hash bytea       NOT NULL,
    kind       text        NOT NULL,
    user_id    uuid        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    CONSTRAINT email_tokens_pkey PRIMARY KEY (token_hash),
    CONSTRAINT email_tokens_kind_check CHECK (kind IN ('verify_email', 'reset_password', 'change_email')),
    CONSTRAINT email_tokens_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX email_tokens_user_kind_idx ON email_tokens (user_id, kind) WHERE used_at IS NULL;
