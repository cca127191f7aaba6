-- platform/ratelimit: fixed-window counters shared by every instance. key is a
-- SHA-256 so the table never holds emails or addresses in clear.
CREATE TABLE rate_limits (
    key          bytea       NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer     NOT NULL,
    CONSTRAINT rate_limits_pkey PRIMARY KEY (key)
);
CREATE INDEX rate_limits_window_idx ON rate_limits (window_start);
