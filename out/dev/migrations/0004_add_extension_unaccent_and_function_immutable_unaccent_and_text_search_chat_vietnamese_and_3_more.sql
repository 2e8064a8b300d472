-- Migration 0004 of stage dev, written by `swift run synth dev` from stacks/. Never edit it once committed.
-- before: sha256:743dbd0390d4d6d5b31f802b5b7b0247fbbb349c12aa7a5c059d8ec9edd2d5a3
-- after: sha256:0332ffd6ace387123ca64d6745bfe3fc167e17393ef5cd644ff3bb5b0380dcc1
-- checksum: sha256:795737765baffc7a8437b2ceef3fdd333def1e0216a488ca762bb989d389429d

BEGIN;

-- adds extension unaccent
CREATE EXTENSION IF NOT EXISTS unaccent;

-- creates function immutable_unaccent
CREATE OR REPLACE FUNCTION public.immutable_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- creates text search configuration chat_vietnamese
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgname = 'chat_vietnamese' AND cfgnamespace = 'public'::regnamespace) THEN
    CREATE TEXT SEARCH CONFIGURATION public.chat_vietnamese (COPY = pg_catalog.simple);
  END IF;
END
$$;

ALTER TEXT SEARCH CONFIGURATION public.chat_vietnamese ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.simple;

-- drops index bot_vectors_title_trgm_idx
DROP INDEX IF EXISTS bot_vectors_title_trgm_idx;

-- rebuilds generated column bot_vectors.tsv with its new expression (rewrites the table; its values are derived, so nothing is lost)
ALTER TABLE bot_vectors DROP COLUMN IF EXISTS tsv;

ALTER TABLE bot_vectors ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('chat_vietnamese', coalesce(title, '')), 'A') || setweight(to_tsvector('chat_vietnamese', coalesce(description, '')), 'B')) STORED;

-- drops index conversation_vectors_title_trgm_idx
DROP INDEX IF EXISTS conversation_vectors_title_trgm_idx;

-- rebuilds generated column conversation_vectors.tsv with its new expression (rewrites the table; its values are derived, so nothing is lost)
ALTER TABLE conversation_vectors DROP COLUMN IF EXISTS tsv;

ALTER TABLE conversation_vectors ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('chat_vietnamese', coalesce(title, '')), 'A') || setweight(to_tsvector('chat_vietnamese', coalesce(excerpt, '')), 'B')) STORED;

-- rebuilds generated column synced_conversations.tsv with its new expression (rewrites the table; its values are derived, so nothing is lost)
ALTER TABLE synced_conversations DROP COLUMN IF EXISTS tsv;

ALTER TABLE synced_conversations ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('chat_vietnamese', coalesce(title, '')), 'A') || setweight(to_tsvector('chat_vietnamese', coalesce(body, '')), 'B')) STORED;

COMMIT;

-- Outside the transaction: CREATE INDEX CONCURRENTLY cannot run in one. Each builds without blocking writes.

-- builds index bot_vectors_tsv_idx on bot_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_tsv_idx ON bot_vectors USING gin (tsv);

-- builds index bot_vectors_title_trgm_idx on bot_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_title_trgm_idx ON bot_vectors USING gist ((public.immutable_unaccent(title)) gist_trgm_ops);

-- builds index conversation_vectors_tsv_idx on conversation_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversation_vectors_tsv_idx ON conversation_vectors USING gin (tsv);

-- builds index conversation_vectors_title_trgm_idx on conversation_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversation_vectors_title_trgm_idx ON conversation_vectors USING gist ((public.immutable_unaccent(title)) gist_trgm_ops);

-- builds index synced_conversations_tsv_idx on synced_conversations
CREATE INDEX CONCURRENTLY IF NOT EXISTS synced_conversations_tsv_idx ON synced_conversations USING gin (tsv);

