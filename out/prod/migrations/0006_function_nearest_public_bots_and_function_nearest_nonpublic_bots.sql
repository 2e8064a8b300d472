-- Migration 0006 of stage prod, written by `swift run synth prod` from stacks/. Never edit it once committed.
-- before: sha256:0f2b92715238dc3eba00bbabe8c60806df779a055075742f2c88fa0070e3fe61
-- after: sha256:0f2b92715238dc3eba00bbabe8c60806df779a055075742f2c88fa0070e3fe61
-- checksum: sha256:41582b36ea62c6b0312bb1be3472e8794f30e1cdcf20e183e68526c6c1c857cb

BEGIN;

-- creates function nearest_public_bots
DROP FUNCTION IF EXISTS public.nearest_public_bots(vector, integer);

CREATE OR REPLACE FUNCTION public.nearest_public_bots(query vector, candidates integer) RETURNS TABLE (bot_id text, distance double precision) LANGUAGE sql STABLE SET enable_sort = 'off' SET hnsw.ef_search = '400' AS $$ SELECT b.bot_id, b.embedding <=> query FROM bot_vectors b WHERE b.visibility = 'public' ORDER BY b.embedding <=> query LIMIT candidates $$;

-- creates function nearest_nonpublic_bots
DROP FUNCTION IF EXISTS public.nearest_nonpublic_bots(vector, integer);

CREATE OR REPLACE FUNCTION public.nearest_nonpublic_bots(query vector, candidates integer) RETURNS TABLE (bot_id text, distance double precision) LANGUAGE sql STABLE SET enable_sort = 'off' SET hnsw.ef_search = '400' AS $$ SELECT b.bot_id, b.embedding <=> query FROM bot_vectors b WHERE b.visibility <> 'public' ORDER BY b.embedding <=> query LIMIT candidates $$;

COMMIT;
