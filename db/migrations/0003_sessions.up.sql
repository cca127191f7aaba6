-- platform/sessions: one row per signed-in browser. id is the SHA-256 of the cookie
-- token; the token itself is never stored.
CREATE TABLE sessions (
    id                     bytea       NOT NULL,
    user_id                uuid        NOT NULL,
    active_organization_id uuid,
    created_at             timestamptz NOT NULL,
    last_seen_at           timestamptz NOT NULL,
    expires_at             timestamptz NOT NULL,
    ip                     text        NOT NULL DEFAULT '',
    user_agent             text        NOT NULL DEFAULT '',
    CONSTRAINT sessions_pkey PRIMARY KEY (id),
    CONSTRAINT sessions_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT sessions_organization_fkey FOREIGN KEY (active_organization_id) REFERENCES organizations (id) ON DELETE SET NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
