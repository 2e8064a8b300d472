-- Migration 0012 of stage dev, written by `swift run synth dev` from stacks/. Never edit it once committed.
-- before: sha256:17302f18289da14ff82178969d763aa224cb4e92130845e5c3587ac388b8a4ae
-- after: sha256:fcc4216c24fa83a0106205dac160e740f7f6c597651efff76da958ad6ff4221d
-- checksum: sha256:6632d3977b56a33f967c352590d8eae414209b06ffb241464534ad25f3678e8e

BEGIN;

-- creates function chat_spellings
CREATE OR REPLACE FUNCTION public.chat_spellings(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT (SELECT coalesce(string_agg(v.variant, ' '), '') FROM regexp_split_to_table(lower(public.immutable_unaccent($1)), '[^[:alpha:]]+') AS w(word) CROSS JOIN LATERAL (SELECT w.word UNION ALL SELECT overlay(w.word placing '' from i for 1) FROM generate_series(1, length(w.word)) AS i) AS v(variant) WHERE length(w.word) BETWEEN 4 AND 24 AND w.word !~ '[\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]') $$;

-- creates function chat_spelling_query
CREATE OR REPLACE FUNCTION public.chat_spelling_query(text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT (SELECT to_tsquery('simple', string_agg('(' || replace(public.chat_spellings(w.word), ' ', ' | ') || ')', ' & ')) FROM regexp_split_to_table(lower(public.immutable_unaccent($1)), '[^[:alpha:]]+') AS w(word) WHERE length(w.word) BETWEEN 4 AND 24 AND w.word !~ '[\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]') $$;

-- adds column bot_vectors.spelling (a stored generated column: rewrites the table)
ALTER TABLE bot_vectors ADD COLUMN IF NOT EXISTS spelling tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', public.chat_spellings(coalesce(title, ''))), 'A') || setweight(to_tsvector('simple', public.chat_spellings(coalesce(description, ''))), 'B')) STORED;

COMMIT;

-- Outside the transaction: CREATE INDEX CONCURRENTLY cannot run in one. Each builds without blocking writes.

-- builds index bot_vectors_spelling_idx on bot_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_spelling_idx ON bot_vectors USING gin (spelling);

