-- The datagen `ecommerce_transactions` records: key = user_id, JSON value, event time taken from
-- event_timestamp (UTC text; the ksqlDB JVM must run in UTC, see README.md).
CREATE STREAM IF NOT EXISTS transactions_stream (
  user_id STRING KEY,
  event_timestamp STRING,
  transaction_id BIGINT,
  total_paid BIGINT,
  status STRING
) WITH (
  KAFKA_TOPIC = 'transactions',
  KEY_FORMAT = 'KAFKA',
  VALUE_FORMAT = 'JSON',
  TIMESTAMP = 'event_timestamp',
  TIMESTAMP_FORMAT = 'yyyy-MM-dd HH:mm:ss.SSS'
);
