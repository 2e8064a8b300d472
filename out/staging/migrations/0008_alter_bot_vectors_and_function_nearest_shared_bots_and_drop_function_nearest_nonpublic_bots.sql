-- Migration 0008 of stage staging, written by `swift run synth staging` from stacks/. Never edit it once committed.
-- before: sha256:0f2b92715238dc3eba00bbabe8c60806df779a055075742f2c88fa0070e3fe61
-- after: sha256:45dc2a4334e05ca8a65d2755ac4c87b81fd3c7a4293218424893f357d9368123
-- checksum: sha256:f48a7b2d154714c13bd325a28def1de9e1d1159f58badf8da1bb943d025fbbbd

BEGIN;

-- drops index bot_vectors_embedding_idx
DROP INDEX IF EXISTS bot_vectors_embedding_idx;

-- rebuilds generated column bot_vectors.tsv with its new expression (rewrites the table; its values are derived, so nothing is lost)
ALTER TABLE bot_vectors DROP COLUMN IF EXISTS tsv;

ALTER TABLE bot_vectors ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B') || setweight(to_tsvector('english', coalesce(instruction, '')), 'C')) STORED;

-- creates function nearest_shared_bots
CREATE OR REPLACE FUNCTION public.nearest_shared_bots(query vector, candidates integer) RETURNS TABLE (bot_id text, distance double precision) LANGUAGE sql STABLE SET enable_sort = 'off' SET hnsw.ef_search = '400' AS $$ SELECT set_config('hnsw.ef_search', least(400, greatest(100, (SELECT c.reltuples FROM pg_catalog.pg_class c WHERE c.oid = to_regclass('public.bot_vectors_shared_embedding_idx')) / 25))::integer::text, true); SELECT b.bot_id, b.embedding <=> query FROM bot_vectors b WHERE b.visibility = 'shared' ORDER BY b.embedding <=> query LIMIT candidates $$;

-- drops function nearest_nonpublic_bots
DROP FUNCTION IF EXISTS public.nearest_nonpublic_bots(vector, integer);

COMMIT;

-- Outside the transaction: CREATE INDEX CONCURRENTLY cannot run in one. Each builds without blocking writes.

-- builds index bot_vectors_shared_embedding_idx on bot_vectors. HNSW build cost: it reads every row and links each vector to about 32 neighbours found among 64 candidates; about 437 MB per 100,000 rows, which should fit in maintenance_work_mem or the build slows down many times; on a small instance count on minutes per 100,000 rows of 1024 dimensions
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_shared_embedding_idx ON bot_vectors USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE visibility = 'shared';

-- builds index bot_vectors_tsv_idx on bot_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_tsv_idx ON bot_vectors USING gin (tsv);

