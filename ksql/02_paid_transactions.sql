-- Only paid transactions are aggregated; the comparison is case-sensitive, as in the Sluice transform.
CREATE STREAM IF NOT EXISTS paid_transactions_stream AS
  SELECT user_id, event_timestamp, transaction_id, total_paid, status
  FROM transactions_stream
  WHERE status = 'Paid'
  EMIT CHANGES;
