-- Model of the June 2026 lineage: schema, shared types and the updated-timestamp trigger.
CREATE SCHEMA IF NOT EXISTS attune;
SET search_path TO attune, public;

CREATE TYPE artifact_retention_enum AS ENUM ('versions', 'days', 'hours', 'minutes');

CREATE OR REPLACE FUNCTION update_updated_column()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated = NOW();  -- a semicolon inside a dollar-quoted body
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

COMMENT ON FUNCTION update_updated_column() IS 'Sets updated; called by BEFORE UPDATE triggers';
