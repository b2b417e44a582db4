ALTER TABLE action ADD COLUMN retired_at TIMESTAMPTZ;
ALTER TABLE workflow_definition ADD COLUMN retired_at TIMESTAMPTZ;
CREATE INDEX idx_action_active ON action (id) WHERE retired_at IS NULL;
CREATE INDEX idx_workflow_definition_active ON workflow_definition (id) WHERE retired_at IS NULL;

ALTER TABLE action
    ADD COLUMN enabled_override BOOLEAN,
    ADD COLUMN omission_disabled BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN effective_enabled BOOLEAN GENERATED ALWAYS AS (
        NOT omission_disabled AND COALESCE(enabled_override, enabled)) STORED;
