-- Migration 0007 of stage staging, written by `swift run synth staging` from stacks/. Never edit it once committed.
-- before: sha256:0f2b92715238dc3eba00bbabe8c60806df779a055075742f2c88fa0070e3fe61
-- after: sha256:0f2b92715238dc3eba00bbabe8c60806df779a055075742f2c88fa0070e3fe61
-- checksum: sha256:2a7f97bb968f521827033dcd28aa371b431ba0626537e2a28cc1866ae3d04d82

BEGIN;

-- creates function nearest_public_bots
DROP FUNCTION IF EXISTS public.nearest_public_bots(vector, integer);

CREATE OR REPLACE FUNCTION public.nearest_public_bots(query vector, candidates integer) RETURNS TABLE (bot_id text, distance double precision) LANGUAGE sql STABLE SET enable_sort = 'off' SET hnsw.ef_search = '400' AS $$ SELECT set_config('hnsw.ef_search', least(400, greatest(100, (SELECT c.reltuples FROM pg_catalog.pg_class c WHERE c.oid = to_regclass('public.bot_vectors_public_embedding_idx')) / 25))::integer::text, true); SELECT b.bot_id, b.embedding <=> query FROM bot_vectors b WHERE b.visibility = 'public' ORDER BY b.embedding <=> query LIMIT candidates $$;

-- creates function nearest_nonpublic_bots
DROP FUNCTION IF EXISTS public.nearest_nonpublic_bots(vector, integer);

CREATE OR REPLACE FUNCTION public.nearest_nonpublic_bots(query vector, candidates integer) RETURNS TABLE (bot_id text, distance double precision) LANGUAGE sql STABLE SET enable_sort = 'off' SET hnsw.ef_search = '400' AS $$ SELECT set_config('hnsw.ef_search', least(400, greatest(100, (SELECT c.reltuples FROM pg_catalog.pg_class c WHERE c.oid = to_regclass('public.bot_vectors_embedding_idx')) / 25))::integer::text, true); SELECT b.bot_id, b.embedding <=> query FROM bot_vectors b WHERE b.visibility <> 'public' ORDER BY b.embedding <=> query LIMIT candidates $$;

COMMIT;
