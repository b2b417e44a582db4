-- History tables on TimescaleDB, as the June lineage has them.
SET search_path TO attune, public;

CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE execution_history (
    time TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    entity_id BIGINT NOT NULL,
    operation TEXT NOT NULL
);

SELECT create_hypertable('execution_history', 'time', chunk_time_interval => INTERVAL '1 day');

COMMENT ON TABLE execution_history IS 'Append-only history (TimescaleDB hypertable; create_hypertable above)';

ALTER TABLE execution_history SET (
    timescaledb.compress,
    timescaledb.compress_segmentby = 'entity_id'
);
SELECT add_compression_policy('execution_history', INTERVAL '7 days');
SELECT add_retention_policy('execution_history', INTERVAL '90 days');

CREATE MATERIALIZED VIEW execution_status_hourly
WITH (timescaledb.continuous) AS
SELECT time_bucket('1 hour', time) AS bucket, count(*) AS changes
FROM execution_history
GROUP BY bucket
WITH NO DATA;

SELECT add_continuous_aggregate_policy('execution_status_hourly',
    start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 hour',
    schedule_interval => INTERVAL '30 minutes');

COMMENT ON MATERIALIZED VIEW execution_status_hourly IS 'Hourly execution changes';

CREATE VIEW execution_volume_hourly AS
SELECT date_trunc('hour', time) AS bucket, count(*) AS changes FROM execution_history GROUP BY 1;
