-- Migration 0005 of stage dev, written by `swift run synth dev` from stacks/. Never edit it once committed.
-- before: sha256:0332ffd6ace387123ca64d6745bfe3fc167e17393ef5cd644ff3bb5b0380dcc1
-- after: sha256:9871edcdf41ba17964338b7803c9722df1b55d75fde8b3b6ec84402a6206b16e
-- checksum: sha256:650887cda43d33f3f73ff4f225e24d5a08288d6f96cd677165d5c6248076b859

BEGIN;

-- drops index bot_vectors_visibility_idx
DROP INDEX IF EXISTS bot_vectors_visibility_idx;

COMMIT;

-- Outside the transaction: CREATE INDEX CONCURRENTLY cannot run in one. Each builds without blocking writes.

-- builds index bot_vectors_public_embedding_idx on bot_vectors. HNSW build cost: it reads every row and links each vector to about 32 neighbours found among 64 candidates; about 437 MB per 100,000 rows, which should fit in maintenance_work_mem or the build slows down many times; on a small instance count on minutes per 100,000 rows of 1024 dimensions
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_public_embedding_idx ON bot_vectors USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE visibility = 'public';

-- builds index bot_vectors_public_title_trgm_idx on bot_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_public_title_trgm_idx ON bot_vectors USING gist ((public.immutable_unaccent(title)) gist_trgm_ops) WHERE visibility = 'public';

