-- Migration 0010 of stage staging, written by `swift run synth staging` from stacks/. Never edit it once committed.
-- before: sha256:c1e759a0936c366d05a0aad49715474027903f593ead5ce50fd428a22e5c658c
-- after: sha256:17302f18289da14ff82178969d763aa224cb4e92130845e5c3587ac388b8a4ae
-- checksum: sha256:b1a235bab9536255c097c34e50cff7ee9cf4ca0c85902c866d8207a4e9bfb7e0

BEGIN;

-- adds extension unaccent
CREATE EXTENSION IF NOT EXISTS unaccent;

-- creates text search configuration chat_english
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgname = 'chat_english' AND cfgnamespace = 'public'::regnamespace) THEN
    CREATE TEXT SEARCH CONFIGURATION public.chat_english (COPY = pg_catalog.english);
  END IF;
END
$$;

ALTER TEXT SEARCH CONFIGURATION public.chat_english ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.english_stem;

-- creates text search configuration chat_german
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgname = 'chat_german' AND cfgnamespace = 'public'::regnamespace) THEN
    CREATE TEXT SEARCH CONFIGURATION public.chat_german (COPY = pg_catalog.german);
  END IF;
END
$$;

ALTER TEXT SEARCH CONFIGURATION public.chat_german ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.german_stem;

-- creates text search configuration chat_french
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgname = 'chat_french' AND cfgnamespace = 'public'::regnamespace) THEN
    CREATE TEXT SEARCH CONFIGURATION public.chat_french (COPY = pg_catalog.french);
  END IF;
END
$$;

ALTER TEXT SEARCH CONFIGURATION public.chat_french ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.french_stem;

-- creates text search configuration chat_spanish
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgname = 'chat_spanish' AND cfgnamespace = 'public'::regnamespace) THEN
    CREATE TEXT SEARCH CONFIGURATION public.chat_spanish (COPY = pg_catalog.spanish);
  END IF;
END
$$;

ALTER TEXT SEARCH CONFIGURATION public.chat_spanish ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.spanish_stem;

-- creates text search configuration chat_italian
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgname = 'chat_italian' AND cfgnamespace = 'public'::regnamespace) THEN
    CREATE TEXT SEARCH CONFIGURATION public.chat_italian (COPY = pg_catalog.italian);
  END IF;
END
$$;

ALTER TEXT SEARCH CONFIGURATION public.chat_italian ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.italian_stem;

-- creates text search configuration chat_norwegian
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgname = 'chat_norwegian' AND cfgnamespace = 'public'::regnamespace) THEN
    CREATE TEXT SEARCH CONFIGURATION public.chat_norwegian (COPY = pg_catalog.norwegian);
  END IF;
END
$$;

ALTER TEXT SEARCH CONFIGURATION public.chat_norwegian ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.norwegian_stem;

-- creates text search configuration chat_indonesian
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgname = 'chat_indonesian' AND cfgnamespace = 'public'::regnamespace) THEN
    CREATE TEXT SEARCH CONFIGURATION public.chat_indonesian (COPY = pg_catalog.indonesian);
  END IF;
END
$$;

ALTER TEXT SEARCH CONFIGURATION public.chat_indonesian ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.indonesian_stem;

-- creates text search configuration chat_vietnamese
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgname = 'chat_vietnamese' AND cfgnamespace = 'public'::regnamespace) THEN
    CREATE TEXT SEARCH CONFIGURATION public.chat_vietnamese (COPY = pg_catalog.simple);
  END IF;
END
$$;

ALTER TEXT SEARCH CONFIGURATION public.chat_vietnamese ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.simple;

-- creates function immutable_unaccent
CREATE OR REPLACE FUNCTION public.immutable_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- creates function chat_ngrams
CREATE OR REPLACE FUNCTION public.chat_ngrams(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT (SELECT coalesce(string_agg(CASE WHEN m.parts[1] ~ '^[\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]{2,}$' THEN (SELECT string_agg(substr(m.parts[1], i, 2), ' ' ORDER BY i) FROM generate_series(1, length(m.parts[1]) - 1) AS i) ELSE m.parts[1] END, ' ' ORDER BY m.n), '') FROM regexp_matches($1, '[\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]+|[^\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]+', 'g') WITH ORDINALITY AS m(parts, n)) $$;

-- creates function chat_search_config
CREATE OR REPLACE FUNCTION public.chat_search_config(text) RETURNS regconfig LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT CASE WHEN $1 ~ '[\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]' THEN 'pg_catalog.simple'::regconfig WHEN $1 ~* '[ăắằẳẵặấầẩẫậđếềểễệốồổỗộơớờởỡợưứừửữựạảẹẻẽịỉọỏụủỳỵỷỹ]' THEN 'public.chat_vietnamese'::regconfig ELSE (SELECT v.c FROM (VALUES ('public.chat_english'::regconfig, regexp_count($1, '\m(the|and|for|with|your|you|that|this|from|about|what|how|are|is)\M', 1, 'i'), 0), ('public.chat_german'::regconfig, regexp_count($1, '\m(der|die|das|und|für|mit|ist|ein|eine|zu|von|auf|den|dem|sie|ich|nicht)\M', 1, 'i'), 1), ('public.chat_french'::regconfig, regexp_count($1, '\m(le|la|les|et|pour|avec|des|une|un|est|du|dans|sur|vous|votre|qui|au|aux)\M', 1, 'i'), 2), ('public.chat_spanish'::regconfig, regexp_count($1, '\m(el|los|las|y|para|con|una|del|por|que|tu|sus|es|al|como)\M', 1, 'i'), 3), ('public.chat_italian'::regconfig, regexp_count($1, '\m(il|lo|gli|e|per|con|una|della|del|che|di|tuo|nel|alla|sono)\M', 1, 'i'), 4), ('public.chat_norwegian'::regconfig, regexp_count($1, '\m(og|med|en|et|det|som|til|på|av|er|ikke|din|deg|jeg|har)\M', 1, 'i'), 5), ('public.chat_indonesian'::regconfig, regexp_count($1, '\m(dan|untuk|dengan|yang|ini|itu|dari|anda|di|ke|adalah|atau|ialah|kepada|bagi)\M', 1, 'i'), 6)) AS v(c, hits, rank) ORDER BY v.hits DESC, v.rank LIMIT 1) END $$;

-- drops index bot_vectors_public_title_trgm_idx
DROP INDEX IF EXISTS bot_vectors_public_title_trgm_idx;

-- drops index bot_vectors_title_trgm_idx
DROP INDEX IF EXISTS bot_vectors_title_trgm_idx;

-- rebuilds generated column bot_vectors.tsv with its new expression (rewrites the table; its values are derived, so nothing is lost)
ALTER TABLE bot_vectors DROP COLUMN IF EXISTS tsv;

ALTER TABLE bot_vectors ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector(public.chat_search_config(coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(instruction, '')), public.chat_ngrams(coalesce(title, ''))), 'A') || setweight(to_tsvector(public.chat_search_config(coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(instruction, '')), public.chat_ngrams(coalesce(description, ''))), 'B') || setweight(to_tsvector(public.chat_search_config(coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(instruction, '')), public.chat_ngrams(coalesce(instruction, ''))), 'C')) STORED;

-- drops index conversation_vectors_title_trgm_idx
DROP INDEX IF EXISTS conversation_vectors_title_trgm_idx;

-- rebuilds generated column conversation_vectors.tsv with its new expression (rewrites the table; its values are derived, so nothing is lost)
ALTER TABLE conversation_vectors DROP COLUMN IF EXISTS tsv;

ALTER TABLE conversation_vectors ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector(public.chat_search_config(coalesce(title, '') || ' ' || coalesce(excerpt, '')), public.chat_ngrams(coalesce(title, ''))), 'A') || setweight(to_tsvector(public.chat_search_config(coalesce(title, '') || ' ' || coalesce(excerpt, '')), public.chat_ngrams(coalesce(excerpt, ''))), 'B')) STORED;

-- rebuilds generated column synced_conversations.tsv with its new expression (rewrites the table; its values are derived, so nothing is lost)
ALTER TABLE synced_conversations DROP COLUMN IF EXISTS tsv;

ALTER TABLE synced_conversations ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector(public.chat_search_config(coalesce(title, '') || ' ' || coalesce(body, '')), public.chat_ngrams(coalesce(title, ''))), 'A') || setweight(to_tsvector(public.chat_search_config(coalesce(title, '') || ' ' || coalesce(body, '')), public.chat_ngrams(coalesce(body, ''))), 'B')) STORED;

COMMIT;

-- Outside the transaction: CREATE INDEX CONCURRENTLY cannot run in one. Each builds without blocking writes.

-- builds index bot_vectors_public_title_trgm_idx on bot_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_public_title_trgm_idx ON bot_vectors USING gist ((public.immutable_unaccent(title)) gist_trgm_ops) WHERE visibility = 'public';

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

