-- Migration 0009 of stage prod, written by `swift run synth prod` from stacks/. Never edit it once committed.
-- before: sha256:45dc2a4334e05ca8a65d2755ac4c87b81fd3c7a4293218424893f357d9368123
-- after: sha256:c1e759a0936c366d05a0aad49715474027903f593ead5ce50fd428a22e5c658c
-- checksum: sha256:17d60222c4adf15e0943653ab2fb02fe6dc2e3804c264fa6c5f0fcb39ae4f015

BEGIN;

-- lets sync_tombstones.source_sequence hold NULL
ALTER TABLE sync_tombstones ALTER COLUMN source_sequence DROP NOT NULL;

COMMIT;
