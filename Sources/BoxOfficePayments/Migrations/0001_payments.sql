-- PaymentService's database (boxoffice_payments). The outbox and inbox come from the shared
-- `messaging` set, applied first. Money is integer minor units plus an ISO 4217 code, never
-- floating point. All times are UTC timestamptz.

-- One attempt to take money for an invoice; payment_id is also the provider's InvoiceId, so the
-- reconciler can find it with /v2/payments/find.
CREATE TABLE payments (
    payment_id               uuid        PRIMARY KEY,
    user_id                  uuid        NOT NULL,
    invoice_id               text        NOT NULL,
    status                   text        NOT NULL CHECK (status IN (
                                 'created', 'requires_action', 'succeeded', 'failed', 'unknown',
                                 'partially_refunded', 'refunded', 'voided', 'authorized')),
    -- What is (or will be) taken; a partial capture lowers it to the captured amount.
    amount_minor             bigint      NOT NULL CHECK (amount_minor > 0),
    -- What was asked for (and held, for a two-stage payment); never changes.
    requested_minor          bigint      NOT NULL CHECK (requested_minor > 0),
    currency                 text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    refunded_minor           bigint      NOT NULL DEFAULT 0,
    -- 'cryptogram', 'saved_method', 'hosted_page'.
    source                   text        NOT NULL CHECK (source IN ('cryptogram', 'saved_method', 'hosted_page')),
    payment_method_id        uuid,
    save_method              boolean     NOT NULL DEFAULT false,
    recurring                boolean     NOT NULL DEFAULT false,
    two_stage                boolean     NOT NULL DEFAULT false,
    provider_transaction_id  bigint,
    -- The PaymentAction protobuf bytes while the payer must act (3-D Secure form, redirect).
    action                   bytea,
    failure_code             integer     NOT NULL DEFAULT 0,
    failure_message          text        NOT NULL DEFAULT '',
    failure_final            boolean     NOT NULL DEFAULT false,
    description              text        NOT NULL DEFAULT '',
    email                    text        NOT NULL DEFAULT '',
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    version                  integer     NOT NULL DEFAULT 1,
    CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    CHECK (amount_minor <= requested_minor)
);

CREATE INDEX payments_user_created ON payments (user_id, created_at DESC, payment_id DESC);
CREATE INDEX payments_invoice ON payments (invoice_id);
CREATE INDEX payments_status_created ON payments (status, created_at);
CREATE INDEX payments_created ON payments (created_at DESC, payment_id DESC);
-- CompleteThreeDs finds the payment by MD (= the provider's TransactionId).
CREATE INDEX payments_provider_transaction ON payments (provider_transaction_id)
    WHERE provider_transaction_id IS NOT NULL;

-- Money returned for (part of) a payment.
CREATE TABLE refunds (
    refund_id                uuid        PRIMARY KEY,
    payment_id               uuid        NOT NULL REFERENCES payments (payment_id),
    amount_minor             bigint      NOT NULL CHECK (amount_minor > 0),
    currency                 text        NOT NULL,
    status                   text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    reason                   text        NOT NULL DEFAULT '',
    requested_by             text        NOT NULL DEFAULT '',
    provider_transaction_id  bigint,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX refunds_payment ON refunds (payment_id, created_at);
CREATE UNIQUE INDEX refunds_provider_transaction ON refunds (provider_transaction_id)
    WHERE provider_transaction_id IS NOT NULL;

-- Every call to the provider that may move money, written `pending` and committed BEFORE the call
-- (so a crash leaves a row the reconciler settles), then settled with the answer.
CREATE TABLE attempts (
    attempt_id               uuid        PRIMARY KEY,
    payment_id               uuid        NOT NULL REFERENCES payments (payment_id),
    refund_id                uuid        REFERENCES refunds (refund_id),
    kind                     text        NOT NULL CHECK (kind IN (
                                 'charge', 'post3ds', 'capture', 'void', 'refund', 'hosted_order')),
    -- The X-Request-ID sent with the call: a resend of this attempt reuses it, a new attempt never does.
    request_id               text        NOT NULL UNIQUE,
    state                    text        NOT NULL CHECK (state IN ('pending', 'succeeded', 'declined', 'unknown', 'failed')),
    amount_minor             bigint      NOT NULL CHECK (amount_minor >= 0),
    provider_transaction_id  bigint,
    reason_code              integer,
    -- Why it failed or is unknown, for people; never secrets, tokens or card data.
    error                    text,
    created_at               timestamptz NOT NULL DEFAULT now(),
    sent_at                  timestamptz,
    settled_at               timestamptz,
    next_check_at            timestamptz,
    checks                   integer     NOT NULL DEFAULT 0
);

CREATE INDEX attempts_payment ON attempts (payment_id, created_at);
-- The reconciler's scan.
CREATE INDEX attempts_to_check ON attempts (state, next_check_at) WHERE state IN ('pending', 'unknown');

-- Saved cards: the provider's token and what identifies the card to its owner; never a card number.
CREATE TABLE payment_methods (
    payment_method_id        uuid        PRIMARY KEY,
    user_id                  uuid        NOT NULL,
    -- The provider's token; never logged, never returned by the API.
    token                    text        NOT NULL,
    brand                    text        NOT NULL DEFAULT '',
    first_six                char(6)     NOT NULL,
    last_four                char(4)     NOT NULL,
    exp_month                integer     NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year                 integer     NOT NULL,
    created_at               timestamptz NOT NULL DEFAULT now(),
    deleted_at               timestamptz
);

CREATE UNIQUE INDEX payment_methods_user_token ON payment_methods (user_id, token) WHERE deleted_at IS NULL;
CREATE INDEX payment_methods_user ON payment_methods (user_id, created_at DESC, payment_method_id DESC)
    WHERE deleted_at IS NULL;

-- Idempotency keys of mutating calls: (caller, key) → the request's fingerprint and stored answer.
CREATE TABLE idempotency_keys (
    caller            text        NOT NULL,
    key               text        NOT NULL,
    method            text        NOT NULL,
    -- sha256 of the request bytes.
    fingerprint       bytea       NOT NULL,
    state             text        NOT NULL CHECK (state IN ('running', 'done')),
    -- The payment the call works on, so a take-over after a crash resumes it.
    payment_id        uuid,
    -- The response message bytes, or NULL when an error was stored.
    response          bytea,
    -- The RPC status code of a stored error; NULL for a stored success.
    response_status   integer,
    response_message  text,
    locked_until      timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    PRIMARY KEY (caller, key)
);

CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- The inbox of provider notifications: parsed fields only (no raw body).
CREATE TABLE provider_notifications (
    id              bigserial   PRIMARY KEY,
    kind            text        NOT NULL,
    -- kind + ':' + TransactionId (+ ':' + operation where one transaction has several).
    dedupe_key      text        NOT NULL UNIQUE,
    transaction_id  bigint,
    invoice_id      text,
    status          text,
    amount_minor    bigint,
    currency        text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    processed_at    timestamptz,
    outcome         text
);

CREATE INDEX provider_notifications_invoice ON provider_notifications (invoice_id);
CREATE INDEX provider_notifications_unprocessed ON provider_notifications (received_at) WHERE processed_at IS NULL;

-- The double-entry ledger: every money movement is a balanced journal, posted in the transaction
-- that changes the payment's state.
CREATE TABLE ledger_entries (
    entry_id      bigserial   PRIMARY KEY,
    journal_id    uuid        NOT NULL,
    payment_id    uuid        NOT NULL REFERENCES payments (payment_id),
    refund_id     uuid        REFERENCES refunds (refund_id),
    account       text        NOT NULL CHECK (account IN ('provider_receivable', 'customer_payments')),
    side          text        NOT NULL CHECK (side IN ('debit', 'credit')),
    amount_minor  bigint      NOT NULL CHECK (amount_minor > 0),
    currency      text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ledger_entries_payment ON ledger_entries (payment_id);
CREATE INDEX ledger_entries_journal ON ledger_entries (journal_id);
