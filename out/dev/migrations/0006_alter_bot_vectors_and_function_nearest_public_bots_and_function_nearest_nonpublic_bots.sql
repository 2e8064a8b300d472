-- Migration 0006 of stage dev, written by `swift run synth dev` from stacks/. Never edit it once committed.
-- before: sha256:9871edcdf41ba17964338b7803c9722df1b55d75fde8b3b6ec84402a6206b16e
-- after: sha256:a3895394ecccf35f5c40155dfb079737391566bfbbf87b20da5a5aa2bc836fce
-- checksum: sha256:8eaa3f205a451ba71bbd7d397741e603d1a39e8fae7cb854fb9b048247171ceb

BEGIN;

-- drops index bot_vectors_embedding_idx
DROP INDEX IF EXISTS bot_vectors_embedding_idx;

-- drops index bot_vectors_public_embedding_idx
DROP INDEX IF EXISTS bot_vectors_public_embedding_idx;

-- creates function nearest_public_bots
CREATE OR REPLACE FUNCTION public.nearest_public_bots(query vector, candidates integer) RETURNS TABLE (bot_id text, distance double precision) LANGUAGE sql STABLE SET enable_sort = 'off' SET hnsw.ef_search = '300' AS $$ SELECT b.bot_id, b.embedding <=> query FROM bot_vectors b WHERE b.visibility = 'public' ORDER BY b.embedding <=> query LIMIT candidates $$;

-- creates function nearest_nonpublic_bots
CREATE OR REPLACE FUNCTION public.nearest_nonpublic_bots(query vector, candidates integer) RETURNS TABLE (bot_id text, distance double precision) LANGUAGE sql STABLE SET enable_sort = 'off' SET hnsw.ef_search = '300' AS $$ SELECT b.bot_id, b.embedding <=> query FROM bot_vectors b WHERE b.visibility <> 'public' ORDER BY b.embedding <=> query LIMIT candidates $$;

COMMIT;

-- Outside the transaction: CREATE INDEX CONCURRENTLY cannot run in one. Each builds without blocking writes.

-- builds index bot_vectors_embedding_idx on bot_vectors. HNSW build cost: it reads every row and links each vector to about 32 neighbours found among 64 candidates; about 437 MB per 100,000 rows, which should fit in maintenance_work_mem or the build slows down many times; on a small instance count on minutes per 100,000 rows of 1024 dimensions
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_embedding_idx ON bot_vectors USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE visibility <> 'public';

-- builds index bot_vectors_public_embedding_idx on bot_vectors. HNSW build cost: it reads every row and links each vector to about 48 neighbours found among 256 candidates; about 450 MB per 100,000 rows, which should fit in maintenance_work_mem or the build slows down many times; on a small instance count on minutes per 100,000 rows of 1024 dimensions
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_public_embedding_idx ON bot_vectors USING hnsw (embedding vector_cosine_ops) WITH (m = 24, ef_construction = 256) WHERE visibility = 'public';

