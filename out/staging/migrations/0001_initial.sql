-- Migration 0001 of stage staging, written by `swift run synth staging` from stacks/. Never edit it once committed.
-- before: empty
-- after: sha256:54fbf46358f08ece53d394434b2838eab62a8c4238a84c65ab8a5e094f813e02
-- checksum: sha256:56df8cea02b68861b15b6ce904305fe70ca5deb2c47eabb2b01d044802d8b890

BEGIN;

-- adds extension vector
CREATE EXTENSION IF NOT EXISTS vector;

-- adds extension pg_trgm
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- creates table conversations
CREATE TABLE IF NOT EXISTS conversations (
  conversation_id uuid NOT NULL,
  owner_id text NOT NULL,
  bot_id text,
  title text NOT NULL DEFAULT '',
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  last_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT conversations_pkey PRIMARY KEY (conversation_id)
);

CREATE INDEX IF NOT EXISTS conversations_owner_updated_idx ON conversations (owner_id, updated_at DESC);

-- creates table chat_history
CREATE TABLE IF NOT EXISTS chat_history (
  conversation_id uuid NOT NULL,
  seq bigint NOT NULL,
  role text NOT NULL,
  content text NOT NULL,
  client_message_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT chat_history_pkey PRIMARY KEY (conversation_id, seq),
  CONSTRAINT chat_history_conversation_id_client_message_id_key UNIQUE (conversation_id, client_message_id),
  CONSTRAINT chat_history_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (conversation_id) ON DELETE CASCADE,
  CONSTRAINT chat_history_role_check CHECK (role IN ('user', 'assistant', 'system', 'tool')),
  CONSTRAINT chat_history_seq_check CHECK (seq > 0)
);

-- creates table bot_vectors
CREATE TABLE IF NOT EXISTS bot_vectors (
  bot_id text NOT NULL,
  owner_id text NOT NULL,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  instruction text NOT NULL DEFAULT '',
  visibility text NOT NULL DEFAULT 'private',
  shared_with text[] NOT NULL DEFAULT '{}'::text[],
  embedding vector(1024) NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B')) STORED,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT bot_vectors_pkey PRIMARY KEY (bot_id),
  CONSTRAINT bot_vectors_visibility_check CHECK (visibility IN ('private', 'shared', 'public'))
);

CREATE INDEX IF NOT EXISTS bot_vectors_embedding_idx ON bot_vectors USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

CREATE INDEX IF NOT EXISTS bot_vectors_tsv_idx ON bot_vectors USING gin (tsv);

CREATE INDEX IF NOT EXISTS bot_vectors_title_trgm_idx ON bot_vectors USING gist (title gist_trgm_ops);

CREATE INDEX IF NOT EXISTS bot_vectors_owner_idx ON bot_vectors (owner_id);

CREATE INDEX IF NOT EXISTS bot_vectors_visibility_idx ON bot_vectors (visibility);

CREATE INDEX IF NOT EXISTS bot_vectors_shared_with_idx ON bot_vectors USING gin (shared_with);

-- creates table conversation_vectors
CREATE TABLE IF NOT EXISTS conversation_vectors (
  conversation_id uuid NOT NULL,
  user_id text NOT NULL,
  bot_id text,
  title text NOT NULL DEFAULT '',
  excerpt text NOT NULL DEFAULT '',
  embedding vector(1024) NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(excerpt, '')), 'B')) STORED,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT conversation_vectors_pkey PRIMARY KEY (conversation_id),
  CONSTRAINT conversation_vectors_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (conversation_id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS conversation_vectors_embedding_idx ON conversation_vectors USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

CREATE INDEX IF NOT EXISTS conversation_vectors_tsv_idx ON conversation_vectors USING gin (tsv);

CREATE INDEX IF NOT EXISTS conversation_vectors_title_trgm_idx ON conversation_vectors USING gist (title gist_trgm_ops);

CREATE INDEX IF NOT EXISTS conversation_vectors_user_idx ON conversation_vectors (user_id, updated_at DESC);

COMMIT;
