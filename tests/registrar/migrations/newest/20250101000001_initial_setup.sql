-- Model of the newest lineage: schema, shared types and the updated-timestamp trigger.
CREATE SCHEMA IF NOT EXISTS attune;
SET search_path TO attune, public;

CREATE TYPE artifact_retention_enum AS ENUM ('versions', 'days', 'hours', 'minutes');

DO $$
BEGIN
    CREATE TYPE action_reference_visibility_enum AS ENUM ('public', 'private', 'restricted');
EXCEPTION
    WHEN duplicate_object THEN NULL;
END
$$;

CREATE OR REPLACE FUNCTION update_updated_column()
RETURNS TRIGGER AS $fn$
BEGIN
    NEW.updated = NOW();
    RETURN NEW;
END;
$fn$ LANGUAGE plpgsql;
