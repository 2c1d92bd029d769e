#!/usr/bin/env bash
# `make stack`: bring up deploy/docker-compose.yml, provision ksqlDB + Pinot, start the reference
# connectors on Sluice, and print where to look. Needs docker with the compose plugin. Idempotent:
# run it again to re-check everything (existing streams, tables and connectors are reported, kept).
set -euo pipefail
cd "$(dirname "$0")"
repo="$(cd .. && pwd)"

command -v docker >/dev/null || { echo "stack: docker is required (https://docs.docker.com/engine/install/)" >&2; exit 1; }
docker compose version >/dev/null 2>&1 || { echo "stack: the docker compose plugin is required" >&2; exit 1; }
command -v curl >/dev/null || { echo "stack: curl is required" >&2; exit 1; }
compose=(docker compose -p sluice -f docker-compose.yml)

echo "stack: building Sluice and starting Kafka, ksqlDB, Pinot and Sluice"
"${compose[@]}" up -d --build

echo "stack: provisioning ksqlDB (ksql/*.sql) and Pinot (pinot/*.json)"
"${compose[@]}" run --rm provision

connect="http://localhost:8083"
echo "stack: waiting for the Sluice REST API at $connect"
for _ in $(seq 1 120); do
  curl -fsS "$connect/" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "$connect/" >/dev/null || { echo "stack: Sluice did not answer on $connect; see: docker compose -p sluice -f deploy/docker-compose.yml logs sluice" >&2; exit 1; }

failed=0
response=$(mktemp)  # a private name: a fixed one in /tmp could be a link another user planted
trap 'rm -f "$response"' EXIT
for file in transactions-datagen.json transactions-aggregate.json; do
  path="$repo/connectors/$file"
  if [ ! -f "$path" ]; then
    echo "stack: missing $path" >&2
    failed=1
    continue
  fi
  code=$(curl -sS -o "$response" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
         --data-binary "@$path" "$connect/connectors")
  case "$code" in
    200|201) echo "stack: connector from $file: created" ;;
    409)     echo "stack: connector from $file: exists" ;;
    *)       echo "stack: connector from $file: HTTP $code: $(cat "$response")" >&2; failed=1 ;;
  esac
done

query="SELECT window_start, window_end, total_paid, total_transactions, average_transaction_value FROM transactions_aggregate_sluice ORDER BY window_start DESC LIMIT 10"
cat <<INFO

Pinot console:   http://localhost:9000  (Query Console; tables transactions_aggregate_sluice, transactions_aggregate_ksql)
Pinot broker:    http://localhost:8099/query/sql
ksqlDB:          http://localhost:8088  (SELECT * FROM windowed_transactions EMIT CHANGES;)
Sluice REST:     $connect/connectors

Latest windows (Pinot upsert keeps one row per window):
  $query

  curl -s -X POST -H 'Content-Type: application/json' http://localhost:8099/query/sql \\
       -d '{"sql": "$query"}'
INFO
echo
echo "stack: current result:"
curl -sS -X POST -H 'Content-Type: application/json' http://localhost:8099/query/sql -d "{\"sql\": \"$query\"}" || true
echo
exit "$failed"
