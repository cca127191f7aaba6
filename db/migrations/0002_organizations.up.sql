-- orgs module: organizations and memberships.
CREATE TABLE organizations (
    id                 uuid        NOT NULL,
    name               text        NOT NULL,
    personal           boolean     NOT NULL DEFAULT false,
    stripe_customer_id text,
    suspended_at       timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CONSTRAINT organizations_pkey PRIMARY KEY (id),
    CONSTRAINT organizations_stripe_customer_id_key UNIQUE (stripe_customer_id)
);

CREATE TABLE memberships (
    organization_id uuid        NOT NULL,
    user_id         uuid        NOT NULL,
    role            text        NOT NULL,
    created_at      timestamptz NOT NULL,
    CONSTRAINT memberships_pkey PRIMARY KEY (organization_id, user_id),
    CONSTRAINT memberships_role_check CHECK (role IN ('member', 'org_admin')),
    CONSTRAINT memberships_organization_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT memberships_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX memberships_user_idx ON memberships (user_id, created_at);
