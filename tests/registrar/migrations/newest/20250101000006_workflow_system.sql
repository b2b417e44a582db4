SET search_path TO attune, public;

CREATE TABLE workflow_definition (
    id BIGSERIAL PRIMARY KEY,
    ref VARCHAR(255) NOT NULL UNIQUE,
    pack BIGINT NOT NULL REFERENCES pack(id) ON DELETE CASCADE,
    pack_ref VARCHAR(255) NOT NULL,
    label VARCHAR(255) NOT NULL,
    description TEXT,
    version VARCHAR(50) NOT NULL,
    param_schema JSONB,
    out_schema JSONB,
    definition JSONB NOT NULL,
    tags TEXT[] DEFAULT '{}',
    created TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TRIGGER update_workflow_definition_updated BEFORE UPDATE ON workflow_definition
    FOR EACH ROW EXECUTE FUNCTION update_updated_column();

ALTER TABLE action
    ADD COLUMN workflow_def BIGINT REFERENCES workflow_definition(id) ON DELETE CASCADE,
    ADD COLUMN required_worker_runtimes JSONB NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN worker_selector JSONB NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN worker_tolerations JSONB NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN worker_affinity JSONB NOT NULL DEFAULT '{}'::jsonb;

CREATE OR REPLACE VIEW workflow_action_link AS
SELECT wd.id AS workflow_def_id, wd.ref AS workflow_ref, a.id AS action_id, a.ref AS action_ref
FROM workflow_definition wd LEFT JOIN action a ON a.workflow_def = wd.id;
