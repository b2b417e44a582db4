-- The subset of Attune's schema that workflow registration writes to: `pack`,
-- `workflow_definition` and the workflow-related columns of `action`, modelled on the
-- newest Attune migrations (20250101000002_pack_system, 20250101000004 action with its
-- reference-visibility enum and CHECKs, 20250101000006_workflow_system and the 2026
-- additions retired_at / catalog_revision). Written for attune-lint, not copied.
--
-- Conservative: a table that already exists is never touched. Each table is created,
-- together with its indexes and trigger, inside one block that runs only when the
-- table is missing; an existing table (a real Attune database of any version) keeps
-- exactly the columns, indexes and constraints it has. Types and the trigger function
-- are created only when missing. Applying it twice is harmless. The registrar applies
-- it under an advisory lock so that concurrent appliers do not race on the catalog;
-- --use-existing-schema adds nothing at all.

CREATE SCHEMA IF NOT EXISTS attune;

DO $do$
BEGIN
    IF to_regprocedure('attune.update_updated_column()') IS NULL THEN
        CREATE FUNCTION attune.update_updated_column()
        RETURNS TRIGGER AS $fn$
        BEGIN
            NEW.updated = NOW();
            RETURN NEW;
        END;
        $fn$ LANGUAGE plpgsql;
    END IF;
    IF to_regtype('attune.artifact_retention_enum') IS NULL THEN
        CREATE TYPE attune.artifact_retention_enum AS ENUM ('versions', 'days', 'hours', 'minutes');
    END IF;
    IF to_regtype('attune.action_reference_visibility_enum') IS NULL THEN
        CREATE TYPE attune.action_reference_visibility_enum AS ENUM ('public', 'private', 'restricted');
    END IF;
END
$do$;

-- pack -----------------------------------------------------------------------------
DO $do$
BEGIN
    IF to_regclass('attune.pack') IS NOT NULL THEN
        RETURN;
    END IF;
    CREATE TABLE attune.pack (
        id                  BIGSERIAL PRIMARY KEY,
        ref                 TEXT NOT NULL UNIQUE,
        label               TEXT NOT NULL,
        description         TEXT,
        version             TEXT NOT NULL,
        conf_schema         JSONB NOT NULL DEFAULT '{}'::jsonb,
        config              JSONB NOT NULL DEFAULT '{}'::jsonb,
        meta                JSONB NOT NULL DEFAULT '{}'::jsonb,
        tags                TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
        runtime_deps        TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
        dependencies        TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
        is_standard         BOOLEAN NOT NULL DEFAULT FALSE,
        installers          JSONB DEFAULT '[]'::jsonb,
        source_type         TEXT,
        source_url          TEXT,
        source_ref          TEXT,
        checksum            TEXT,
        checksum_verified   BOOLEAN DEFAULT FALSE,
        installed_at        TIMESTAMPTZ,
        installed_by        BIGINT,
        installation_method TEXT,
        storage_path        TEXT,
        created             TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        updated             TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        CONSTRAINT pack_ref_lowercase CHECK (ref = LOWER(ref)),
        CONSTRAINT pack_ref_format CHECK (ref ~ '^[a-z][a-z0-9_-]+$'),
        CONSTRAINT pack_version_semver CHECK (
            version ~ '^\d+\.\d+\.\d+(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$'
        )
    );
    CREATE INDEX idx_pack_ref ON attune.pack (ref);
    CREATE TRIGGER update_pack_updated
        BEFORE UPDATE ON attune.pack
        FOR EACH ROW EXECUTE FUNCTION attune.update_updated_column();
END
$do$;

-- workflow_definition ------------------------------------------------------------------
DO $do$
BEGIN
    IF to_regclass('attune.workflow_definition') IS NOT NULL THEN
        RETURN;
    END IF;
    CREATE TABLE attune.workflow_definition (
        id               BIGSERIAL PRIMARY KEY,
        ref              VARCHAR(255) NOT NULL UNIQUE,
        pack             BIGINT NOT NULL REFERENCES attune.pack(id) ON DELETE CASCADE,
        pack_ref         VARCHAR(255) NOT NULL,
        label            VARCHAR(255) NOT NULL,
        description      TEXT,
        version          VARCHAR(50) NOT NULL,
        param_schema     JSONB,
        out_schema       JSONB,
        definition       JSONB NOT NULL,
        tags             TEXT[] DEFAULT ARRAY[]::TEXT[],
        catalog_revision INTEGER CHECK (catalog_revision > 0),
        retired_at       TIMESTAMPTZ,
        created          TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        updated          TIMESTAMPTZ NOT NULL DEFAULT NOW()
    );
    CREATE INDEX idx_workflow_def_pack ON attune.workflow_definition (pack);
    CREATE INDEX idx_workflow_def_ref ON attune.workflow_definition (ref);
    CREATE INDEX idx_workflow_def_tags ON attune.workflow_definition USING GIN (tags);
    CREATE INDEX idx_workflow_definition_active
        ON attune.workflow_definition (retired_at) WHERE retired_at IS NULL;
    CREATE TRIGGER update_workflow_definition_updated
        BEFORE UPDATE ON attune.workflow_definition
        FOR EACH ROW EXECUTE FUNCTION attune.update_updated_column();
END
$do$;

-- action (the columns a workflow action uses) -------------------------------------------
-- `runtime` is a plain BIGINT here: the runtime table is outside this subset, and
-- workflow actions always store NULL in it.
DO $do$
BEGIN
    IF to_regclass('attune.action') IS NOT NULL THEN
        RETURN;
    END IF;
    CREATE TABLE attune.action (
        id                                    BIGSERIAL PRIMARY KEY,
        ref                                   TEXT NOT NULL UNIQUE,
        pack                                  BIGINT NOT NULL REFERENCES attune.pack(id) ON DELETE CASCADE,
        pack_ref                              TEXT NOT NULL,
        label                                 TEXT NOT NULL,
        description                           TEXT,
        entrypoint                            TEXT NOT NULL,
        runtime                               BIGINT,
        enabled                               BOOLEAN NOT NULL DEFAULT TRUE,
        reference_visibility                  attune.action_reference_visibility_enum NOT NULL DEFAULT 'public',
        reference_allowed_pack_refs           TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
        param_schema                          JSONB,
        out_schema                            JSONB,
        parameter_delivery                    TEXT NOT NULL DEFAULT 'stdin',
        parameter_format                      TEXT NOT NULL DEFAULT 'json',
        output_format                         TEXT NOT NULL DEFAULT 'text',
        is_adhoc                              BOOLEAN NOT NULL DEFAULT FALSE,
        timeout_seconds                       INTEGER,
        max_retries                           INTEGER DEFAULT 0,
        runtime_version_constraint            TEXT,
        accesses_mcp                          BOOLEAN NOT NULL DEFAULT FALSE,
        default_execution_permission_set_refs TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
        log_retention_policy                  attune.artifact_retention_enum,
        log_retention_limit                   INTEGER,
        artifact_retention_policy             attune.artifact_retention_enum,
        artifact_retention_limit              INTEGER,
        workflow_def                          BIGINT REFERENCES attune.workflow_definition(id) ON DELETE CASCADE,
        required_worker_runtimes              JSONB NOT NULL DEFAULT '{}'::jsonb,
        worker_selector                       JSONB NOT NULL DEFAULT '{}'::jsonb,
        worker_tolerations                    JSONB NOT NULL DEFAULT '[]'::jsonb,
        worker_affinity                       JSONB NOT NULL DEFAULT '{}'::jsonb,
        catalog_revision                      INTEGER CHECK (catalog_revision > 0),
        retired_at                            TIMESTAMPTZ,
        created                               TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        updated                               TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        CONSTRAINT action_ref_lowercase CHECK (ref = LOWER(ref)),
        CONSTRAINT action_ref_format CHECK (ref ~ '^[^.]+\.[^.]+$'),
        CONSTRAINT action_parameter_delivery_check CHECK (parameter_delivery IN ('stdin', 'file')),
        CONSTRAINT action_parameter_format_check CHECK (parameter_format IN ('dotenv', 'json', 'yaml')),
        CONSTRAINT action_output_format_check CHECK (output_format IN ('text', 'json', 'yaml', 'jsonl')),
        CONSTRAINT action_timeout_seconds_positive CHECK (timeout_seconds IS NULL OR timeout_seconds > 0),
        CONSTRAINT action_log_retention_limit_positive
            CHECK (log_retention_limit IS NULL OR log_retention_limit > 0),
        CONSTRAINT action_artifact_retention_limit_positive
            CHECK (artifact_retention_limit IS NULL OR artifact_retention_limit > 0),
        CONSTRAINT action_reference_allowed_pack_refs_non_null
            CHECK (array_position(reference_allowed_pack_refs, NULL) IS NULL),
        CONSTRAINT action_reference_allowed_pack_refs_restricted_only
            CHECK (reference_visibility = 'restricted' OR cardinality(reference_allowed_pack_refs) = 0)
    );
    CREATE INDEX idx_action_pack ON attune.action (pack);
    CREATE INDEX idx_action_workflow_def ON attune.action (workflow_def);
    CREATE INDEX idx_action_active ON attune.action (retired_at) WHERE retired_at IS NULL;
    CREATE TRIGGER update_action_updated
        BEFORE UPDATE ON attune.action
        FOR EACH ROW EXECUTE FUNCTION attune.update_updated_column();
    -- The platform's view of which actions run which definitions (created with the
    -- action table: it reads nothing else of an existing database).
    IF to_regclass('attune.workflow_action_link') IS NULL THEN
        CREATE VIEW attune.workflow_action_link AS
            SELECT wd.id AS workflow_def_id, wd.ref AS workflow_ref, a.id AS action_id, a.ref AS action_ref
            FROM attune.workflow_definition wd
            LEFT JOIN attune.action a ON a.workflow_def = wd.id;
    END IF;
END
$do$;
