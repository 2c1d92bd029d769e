-- 3-second tumbling windows over paid transactions, one changelog row per update (EMIT CHANGES, as
-- the reference project). Grouping by a constant gives one window per time slot; the average is a
-- DOUBLE so it compares with the Sluice transform's average_transaction_value.
CREATE TABLE IF NOT EXISTS windowed_transactions WITH (
  KAFKA_TOPIC = 'transactions_aggregate_ksql',
  VALUE_FORMAT = 'JSON'
) AS
  SELECT '1' AS dummy,
         WINDOWSTART AS window_start,
         WINDOWEND AS window_end,
         SUM(total_paid) AS total_paid,
         COUNT(*) AS total_transactions,
         CAST(SUM(total_paid) AS DOUBLE) / COUNT(*) AS average_transaction_value
  FROM paid_transactions_stream
  WINDOW TUMBLING (SIZE 3 SECONDS)
  GROUP BY '1'
  EMIT CHANGES;
