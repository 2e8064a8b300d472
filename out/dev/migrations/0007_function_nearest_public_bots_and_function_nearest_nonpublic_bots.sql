-- Migration 0007 of stage dev, written by `swift run synth dev` from stacks/. Never edit it once committed.
-- before: sha256:a3895394ecccf35f5c40155dfb079737391566bfbbf87b20da5a5aa2bc836fce
-- after: sha256:a3895394ecccf35f5c40155dfb079737391566bfbbf87b20da5a5aa2bc836fce
-- checksum: sha256:41582b36ea62c6b0312bb1be3472e8794f30e1cdcf20e183e68526c6c1c857cb

BEGIN;

-- creates function nearest_public_bots
DROP FUNCTION IF EXISTS public.nearest_public_bots(vector, integer);

CREATE OR REPLACE FUNCTION public.nearest_public_bots(query vector, candidates integer) RETURNS TABLE (bot_id text, distance double precision) LANGUAGE sql STABLE SET enable_sort = 'off' SET hnsw.ef_search = '400' AS $$ SELECT b.bot_id, b.embedding <=> query FROM bot_vectors b WHERE b.visibility = 'public' ORDER BY b.embedding <=> query LIMIT candidates $$;

-- creates function nearest_nonpublic_bots
DROP FUNCTION IF EXISTS public.nearest_nonpublic_bots(vector, integer);

CREATE OR REPLACE FUNCTION public.nearest_nonpublic_bots(query vector, candidates integer) RETURNS TABLE (bot_id text, distance double precision) LANGUAGE sql STABLE SET enable_sort = 'off' SET hnsw.ef_search = '400' AS $$ SELECT b.bot_id, b.embedding <=> query FROM bot_vectors b WHERE b.visibility <> 'public' ORDER BY b.embedding <=> query LIMIT candidates $$;

COMMIT;
