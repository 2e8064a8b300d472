-- Migration 0005 of stage prod, written by `swift run synth prod` from stacks/. Never edit it once committed.
-- before: sha256:5b7b0ce4c9c47b935333352993a3d8760e01140d7a8ff8f6590dedd4669798f3
-- after: sha256:0f2b92715238dc3eba00bbabe8c60806df779a055075742f2c88fa0070e3fe61
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

