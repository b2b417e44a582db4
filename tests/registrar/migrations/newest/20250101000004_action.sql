SET search_path TO attune, public;

CREATE TABLE action (
    id BIGSERIAL PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    pack BIGINT NOT NULL REFERENCES pack(id) ON DELETE CASCADE,
    pack_ref TEXT NOT NULL,
    label TEXT NOT NULL,
    description TEXT,
    entrypoint TEXT NOT NULL,
    runtime BIGINT,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    reference_visibility action_reference_visibility_enum NOT NULL DEFAULT 'public',
    reference_allowed_pack_refs TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    param_schema JSONB,
    out_schema JSONB,
    parameter_delivery TEXT NOT NULL DEFAULT 'stdin' CHECK (parameter_delivery IN ('stdin', 'file')),
    parameter_format TEXT NOT NULL DEFAULT 'json' CHECK (parameter_format IN ('dotenv', 'json', 'yaml')),
    output_format TEXT NOT NULL DEFAULT 'text' CHECK (output_format IN ('text', 'json', 'yaml', 'jsonl')),
    is_adhoc BOOLEAN NOT NULL DEFAULT FALSE,
    timeout_seconds INTEGER,
    max_retries INTEGER DEFAULT 0,
    runtime_version_constraint TEXT,
    accesses_mcp BOOLEAN NOT NULL DEFAULT FALSE,
    default_execution_permission_set_refs TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    log_retention_policy artifact_retention_enum,
    log_retention_limit INTEGER,
    artifact_retention_policy artifact_retention_enum,
    artifact_retention_limit INTEGER,
    created TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT action_ref_lowercase CHECK (ref = LOWER(ref)),
    CONSTRAINT action_ref_format CHECK (ref ~ '^[^.]+\.[^.]+$'),
    CONSTRAINT action_timeout_seconds_positive CHECK (timeout_seconds IS NULL OR timeout_seconds > 0),
    CONSTRAINT action_reference_allowed_pack_refs_non_null
        CHECK (array_position(reference_allowed_pack_refs, NULL) IS NULL),
    CONSTRAINT action_reference_allowed_pack_refs_restricted_only
        CHECK (reference_visibility = 'restricted' OR cardinality(reference_allowed_pack_refs) = 0)
);

CREATE TRIGGER update_action_updated BEFORE UPDATE ON action
    FOR EACH ROW EXECUTE FUNCTION update_updated_column();
