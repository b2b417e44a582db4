SET search_path TO attune, public;

-- Retention moves to the supervisor.
SELECT remove_retention_policy('execution_history', if_exists => true);
