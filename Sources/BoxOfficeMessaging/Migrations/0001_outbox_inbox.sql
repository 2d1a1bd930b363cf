-- The transactional outbox: events written in the same transaction as the change that caused
-- them, published by OutboxRelay with publisher confirms, then marked sent.
CREATE TABLE outbox (
    id               bigserial   PRIMARY KEY,
    -- Published as the AMQP message id; consumers deduplicate on it (the inbox).
    event_id         uuid        NOT NULL UNIQUE,
    routing_key      text        NOT NULL CHECK (routing_key <> ''),
    payload          bytea       NOT NULL,
    content_type     text        NOT NULL DEFAULT 'application/x-protobuf',
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- A failed publish (broker nack, unroutable) is retried after a back-off.
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    attempts         integer     NOT NULL DEFAULT 0,
    last_error       text,
    sent_at          timestamptz
);

-- The relay's claim query scans only unsent rows.
CREATE INDEX outbox_unsent ON outbox (next_attempt_at, id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- The inbox: one row per event a consumer has processed, written in the same transaction as the
-- handler's changes, so a redelivered event has no second effect.
CREATE TABLE inbox (
    consumer      text        NOT NULL,
    event_id      text        NOT NULL,
    routing_key   text        NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE INDEX inbox_processed_at ON inbox (processed_at);
