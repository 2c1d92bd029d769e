-- The Sluice windowed-aggregate output, readable next to windowed_transactions. Key = window start
-- in epoch ms as decimal text; the value carries lower-case JSON fields (matched case-insensitively).
CREATE STREAM IF NOT EXISTS sluice_aggregates_stream (
  window_key STRING KEY,
  window_start BIGINT,
  window_end BIGINT,
  total_paid BIGINT,
  total_transactions BIGINT,
  average_transaction_value DOUBLE
) WITH (
  KAFKA_TOPIC = 'transactions_aggregate_sluice',
  KEY_FORMAT = 'KAFKA',
  VALUE_FORMAT = 'JSON',
  TIMESTAMP = 'window_start'
);
