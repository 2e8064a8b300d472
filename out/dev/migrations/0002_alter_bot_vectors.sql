-- Migration 0002 of stage dev, written by `swift run synth dev` from stacks/. Never edit it once committed.
-- before: sha256:54fbf46358f08ece53d394434b2838eab62a8c4238a84c65ab8a5e094f813e02
-- after: sha256:6d3e0376839b1311e58a1a807b2390fe5eef267d545060a7ad086ffb36c6f51a
-- checksum: sha256:66396b8f801e8c19e76e214737796e7bd5ef89d945b81fc899c1535e77e0b658

BEGIN;

-- adds column bot_vectors.allowed_groups
ALTER TABLE bot_vectors ADD COLUMN IF NOT EXISTS allowed_groups text[] NOT NULL DEFAULT '{}'::text[];

-- adds column bot_vectors.shared_status
ALTER TABLE bot_vectors ADD COLUMN IF NOT EXISTS shared_status text NOT NULL DEFAULT 'unshared';

-- adds column bot_vectors.usage_count
ALTER TABLE bot_vectors ADD COLUMN IF NOT EXISTS usage_count bigint NOT NULL DEFAULT 0;

-- adds column bot_vectors.created_at
ALTER TABLE bot_vectors ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();

-- adds column bot_vectors.last_used_at
ALTER TABLE bot_vectors ADD COLUMN IF NOT EXISTS last_used_at timestamptz;

-- adds column bot_vectors.sync_status
ALTER TABLE bot_vectors ADD COLUMN IF NOT EXISTS sync_status text;

-- adds column bot_vectors.is_starred
ALTER TABLE bot_vectors ADD COLUMN IF NOT EXISTS is_starred boolean NOT NULL DEFAULT false;

COMMIT;

-- Outside the transaction: CREATE INDEX CONCURRENTLY cannot run in one. Each builds without blocking writes.

-- builds index bot_vectors_allowed_groups_idx on bot_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_allowed_groups_idx ON bot_vectors USING gin (allowed_groups);

-- builds index bot_vectors_popular_idx on bot_vectors
CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_popular_idx ON bot_vectors (usage_count DESC);

