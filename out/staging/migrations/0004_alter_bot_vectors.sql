-- Migration 0004 of stage staging, written by `swift run synth staging` from stacks/. Never edit it once committed.
-- before: sha256:743dbd0390d4d6d5b31f802b5b7b0247fbbb349c12aa7a5c059d8ec9edd2d5a3
-- after: sha256:5b7b0ce4c9c47b935333352993a3d8760e01140d7a8ff8f6590dedd4669798f3
-- checksum: sha256:d474327ed497fe757c73b1b690e74e8d7fb4e333fee59edcf95f3a3d8791dc57

BEGIN;

-- drops index bot_vectors_visibility_idx
DROP INDEX IF EXISTS bot_vectors_visibility_idx;

COMMIT;

-- Outside the transaction: CREATE INDEX CONCURRENTLY cannot run in one. Each builds without blocking writes.

-- builds index bot_vectors_public_embedding_idx on bot_vectors. HNSW build cost: it reads every row and links each vector to about 32 neighbours found among 64 candidates; about 437 MB per 100,000 rows, which should fit in maintenance_work_mem or the build slows down many times; on a small instance count on minutes per 100,000 rows of 1024 dimensions
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_public_embedding_idx ON bot_vectors USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE visibility = 'public';

-- builds index bot_vectors_public_title_trgm_idx on bot_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_public_title_trgm_idx ON bot_vectors USING gist (title gist_trgm_ops) WHERE visibility = 'public';

