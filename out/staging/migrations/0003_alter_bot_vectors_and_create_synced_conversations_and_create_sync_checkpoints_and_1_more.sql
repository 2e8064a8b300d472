-- Migration 0003 of stage staging, written by `swift run synth staging` from stacks/. Never edit it once committed.
-- before: sha256:6d3e0376839b1311e58a1a807b2390fe5eef267d545060a7ad086ffb36c6f51a
-- after: sha256:743dbd0390d4d6d5b31f802b5b7b0247fbbb349c12aa7a5c059d8ec9edd2d5a3
-- checksum: sha256:b37cc0a08b479bc0bae501e384cf1debb01e79c9892a85e4c4fa4eb5936577ed

BEGIN;

-- adds column bot_vectors.source_sequence
ALTER TABLE bot_vectors ADD COLUMN IF NOT EXISTS source_sequence numeric;

-- creates table synced_conversations
CREATE TABLE IF NOT EXISTS synced_conversations (
  user_id text NOT NULL,
  conversation_id text NOT NULL,
  bot_id text,
  title text NOT NULL DEFAULT '',
  body text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_message_at timestamptz NOT NULL DEFAULT now(),
  source_sequence numeric,
  tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT synced_conversations_pkey PRIMARY KEY (user_id, conversation_id)
);

CREATE INDEX IF NOT EXISTS synced_conversations_tsv_idx ON synced_conversations USING gin (tsv);

CREATE INDEX IF NOT EXISTS synced_conversations_user_idx ON synced_conversations (user_id, last_message_at DESC);

-- creates table sync_checkpoints
CREATE TABLE IF NOT EXISTS sync_checkpoints (
  source_table text NOT NULL,
  total_segments integer NOT NULL,
  segment integer NOT NULL,
  resume_key jsonb,
  finished boolean NOT NULL DEFAULT false,
  scanned bigint NOT NULL DEFAULT 0,
  indexed bigint NOT NULL DEFAULT 0,
  skipped bigint NOT NULL DEFAULT 0,
  failed bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sync_checkpoints_pkey PRIMARY KEY (source_table, total_segments, segment)
);

-- creates table sync_tombstones
CREATE TABLE IF NOT EXISTS sync_tombstones (
  kind text NOT NULL,
  owner_id text NOT NULL,
  item_id text NOT NULL,
  source_sequence numeric NOT NULL,
  removed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sync_tombstones_pkey PRIMARY KEY (kind, owner_id, item_id),
  CONSTRAINT sync_tombstones_kind_check CHECK (kind IN ('bot', 'conversation'))
);

COMMIT;
