-- No SET search_path here: the runner's (attune, public) is relied upon.
CREATE TYPE management_origin AS ENUM ('platform', 'pack', 'ad_hoc');

ALTER TABLE action
    ADD COLUMN catalog_revision INTEGER CHECK (catalog_revision > 0),
    ADD COLUMN managed_release BIGINT,
    ADD COLUMN management_origin management_origin GENERATED ALWAYS AS (
        CASE WHEN catalog_revision IS NOT NULL THEN 'platform'::management_origin
             WHEN is_adhoc OR pack IS NULL THEN 'ad_hoc'::management_origin
             ELSE 'pack'::management_origin END) STORED;

ALTER TABLE workflow_definition
    ADD COLUMN catalog_revision INTEGER CHECK (catalog_revision > 0),
    ADD COLUMN managed_release BIGINT,
    ADD COLUMN management_origin management_origin GENERATED ALWAYS AS (
        CASE WHEN catalog_revision IS NOT NULL THEN 'platform'::management_origin
             WHEN pack IS NULL THEN 'ad_hoc'::management_origin
             ELSE 'pack'::management_origin END) STORED;

-- Reads `pack` unqualified: works only with attune on the session's search_path.
CREATE OR REPLACE FUNCTION set_component_managed_release()
RETURNS TRIGGER AS $$
DECLARE
    owner_id BIGINT;
BEGIN
    owner_id := (to_jsonb(NEW) ->> TG_ARGV[0])::BIGINT;
    IF NEW.catalog_revision IS NOT NULL OR owner_id IS NULL THEN
        NEW.managed_release := NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT active_release INTO NEW.managed_release FROM pack WHERE id = owner_id FOR SHARE;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION guard_platform_component()
RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP <> 'DELETE' AND NEW.catalog_revision IS NOT NULL
       AND coalesce(current_setting('attune.catalog_write', true), '') <> 'on' THEN
        RAISE EXCEPTION 'platform components are written by the catalog only';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER set_component_managed_release BEFORE INSERT OR UPDATE ON action
    FOR EACH ROW EXECUTE FUNCTION set_component_managed_release('pack');
CREATE TRIGGER set_component_managed_release BEFORE INSERT OR UPDATE ON workflow_definition
    FOR EACH ROW EXECUTE FUNCTION set_component_managed_release('pack');
CREATE TRIGGER guard_platform_component BEFORE INSERT OR UPDATE OR DELETE ON action
    FOR EACH ROW EXECUTE FUNCTION guard_platform_component();
