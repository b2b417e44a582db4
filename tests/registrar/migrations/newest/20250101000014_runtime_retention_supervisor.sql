SET search_path TO attune, public;

-- A leftover TimescaleDB call the newest lineage still makes.
SELECT remove_retention_policy('event', if_exists => true);
