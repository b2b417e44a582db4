-- The subset of Attune's schema that workflow registration writes to: `pack`,
-- `workflow_definition` and the workflow-related columns of `action`, with the
-- platform's real constraints (attune-format.md §6). Column names, types, CHECKs and
-- cascades follow the platform's migrations (20250101000002_pack_system.sql,
-- ..._0004_trigger_sensor_event_rule.sql, ..._0006_workflow_system.sql and the 2026
-- additions that registration touches: retired_at, catalog_revision).
--
-- Idempotent and conservative: every object is created only when it does not exist
-- yet (IF NOT EXISTS, or a DO block that looks in the catalog first), so applying it
-- twice is harmless, and on a database that already has some of these objects (a real
-- Attune database) the existing tables, functions, triggers and views are left as they
-- are; only missing ones are added. Use --use-existing-schema to add nothing at all. The registrar applies it
-- under an advisory lock so that concurrent appliers do not race on the catalog.

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
END
$do$;

-- pack -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS attune.pack (
    id                  BIGSERIAL PRIMARY KEY,
    ref                 TEXT NOT NULL UNIQUE,
    label               TEXT NOT NULL,
    description         TEXT,
    version             TEXT NOT NULL,
    conf_schema         JSONB NOT NULL DEFAULT '{}'::jsonb,
    config              JSONB NOT NULL DEFAULT '{}'::jsonb,
    meta                JSONB NOT NULL DEFAULT '{}'::jsonb,
    tags                TEXT[] NOT NULL DEFAULT '{}',
    runtime_deps        TEXT[] NOT NULL DEFAULT '{}',
    dependencies        TEXT[] NOT NULL DEFAULT '{}',
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
        version ~ '^\d+\.\d+\.\d+(-[a-zA-Z0-9.-]+)?(\+[a-zA-Z0-9.-]+)?$'
    )
);

DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                   WHERE tgname = 'update_pack_updated' AND tgrelid = 'attune.pack'::regclass) THEN
        CREATE TRIGGER update_pack_updated
            BEFORE UPDATE ON attune.pack
            FOR EACH ROW EXECUTE FUNCTION attune.update_updated_column();
    END IF;
END
$do$;

-- workflow_definition ------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS attune.workflow_definition (
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
    tags             TEXT[] DEFAULT '{}',
    catalog_revision INTEGER CHECK (catalog_revision > 0),
    retired_at       TIMESTAMPTZ,
    created          TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated          TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX IF NOT EXISTS idx_workflow_def_pack ON attune.workflow_definition (pack);
CREATE INDEX IF NOT EXISTS idx_workflow_def_ref ON attune.workflow_definition (ref);
CREATE INDEX IF NOT EXISTS idx_workflow_def_tags ON attune.workflow_definition USING GIN (tags);
CREATE INDEX IF NOT EXISTS idx_workflow_definition_active
    ON attune.workflow_definition (retired_at) WHERE retired_at IS NULL;

DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                   WHERE tgname = 'update_workflow_definition_updated' AND tgrelid = 'attune.workflow_definition'::regclass) THEN
        CREATE TRIGGER update_workflow_definition_updated
            BEFORE UPDATE ON attune.workflow_definition
            FOR EACH ROW EXECUTE FUNCTION attune.update_updated_column();
    END IF;
END
$do$;

-- action (the columns a workflow action uses) -------------------------------------------
-- `runtime` is a plain BIGINT here: the runtime table is outside this subset, and
-- workflow actions always store NULL in it.
CREATE TABLE IF NOT EXISTS attune.action (
    id                                   BIGSERIAL PRIMARY KEY,
    ref                                  TEXT NOT NULL UNIQUE,
    pack                                 BIGINT NOT NULL REFERENCES attune.pack(id) ON DELETE CASCADE,
    pack_ref                             TEXT NOT NULL,
    label                                TEXT NOT NULL,
    description                          TEXT,
    entrypoint                           TEXT NOT NULL,
    runtime                              BIGINT,
    param_schema                         JSONB,
    out_schema                           JSONB,
    parameter_delivery                   TEXT NOT NULL DEFAULT 'stdin',
    parameter_format                     TEXT NOT NULL DEFAULT 'json',
    output_format                        TEXT NOT NULL DEFAULT 'text',
    is_adhoc                             BOOLEAN NOT NULL DEFAULT FALSE,
    timeout_seconds                      INTEGER,
    default_execution_permission_set_refs TEXT[] NOT NULL DEFAULT '{}',
    enabled                              BOOLEAN NOT NULL DEFAULT TRUE,
    reference_visibility                 TEXT NOT NULL DEFAULT 'public',
    reference_allowed_pack_refs          TEXT[] NOT NULL DEFAULT '{}',
    workflow_def                         BIGINT REFERENCES attune.workflow_definition(id) ON DELETE CASCADE,
    required_worker_runtimes             TEXT[] NOT NULL DEFAULT '{}',
    worker_selector                      JSONB NOT NULL DEFAULT '{}'::jsonb,
    worker_tolerations                   JSONB NOT NULL DEFAULT '[]'::jsonb,
    worker_affinity                      JSONB NOT NULL DEFAULT '{}'::jsonb,
    catalog_revision                     INTEGER CHECK (catalog_revision > 0),
    retired_at                           TIMESTAMPTZ,
    created                              TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated                              TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT action_ref_lowercase CHECK (ref = LOWER(ref)),
    CONSTRAINT action_ref_format CHECK (ref ~ '^[^.]+\.[^.]+$'),
    CONSTRAINT action_parameter_delivery_check CHECK (parameter_delivery IN ('stdin', 'file')),
    CONSTRAINT action_parameter_format_check CHECK (parameter_format IN ('dotenv', 'json', 'yaml')),
    CONSTRAINT action_output_format_check CHECK (output_format IN ('text', 'json', 'yaml', 'jsonl')),
    CONSTRAINT action_reference_visibility_check
        CHECK (reference_visibility IN ('public', 'private', 'restricted'))
);

CREATE INDEX IF NOT EXISTS idx_action_pack ON attune.action (pack);
CREATE INDEX IF NOT EXISTS idx_action_workflow_def ON attune.action (workflow_def);

DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                   WHERE tgname = 'update_action_updated' AND tgrelid = 'attune.action'::regclass) THEN
        CREATE TRIGGER update_action_updated
            BEFORE UPDATE ON attune.action
            FOR EACH ROW EXECUTE FUNCTION attune.update_updated_column();
    END IF;
END
$do$;

-- The platform's view of which actions run which definitions.
DO $do$
BEGIN
    IF to_regclass('attune.workflow_action_link') IS NULL THEN
        CREATE VIEW attune.workflow_action_link AS
            SELECT wd.id AS workflow_def_id, wd.ref AS workflow_ref, a.id AS action_id, a.ref AS action_ref
            FROM attune.workflow_definition wd
            LEFT JOIN attune.action a ON a.workflow_def = wd.id;
    END IF;
END
$do$;
