-- Migration 0010 of stage dev, written by `swift run synth dev` from stacks/. Never edit it once committed.
-- before: sha256:a877bf332406df4354abbeb3e61b6bc0d6f40dcef120491ffd6543255f32c715
-- after: sha256:3ff9a32b446ae9c3459fd6d427f81d28decb44d29d0679bed893416a1621ea93
-- checksum: sha256:17d60222c4adf15e0943653ab2fb02fe6dc2e3804c264fa6c5f0fcb39ae4f015

BEGIN;

-- lets sync_tombstones.source_sequence hold NULL
ALTER TABLE sync_tombstones ALTER COLUMN source_sequence DROP NOT NULL;

COMMIT;
