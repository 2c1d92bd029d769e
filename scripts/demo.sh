#!/usr/bin/env bash
# make demo: the reference scenario on the embedded cluster, end to end.
#   datagen (e-commerce transactions) -> Kafka `transactions`
#   kafka-source -> windowed-aggregate (paid, 3 s windows: sum, count, average) -> `transactions_aggregate_sluice`
# then `sluice watch` prints each window as it arrives, checked against the raw transactions.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
sluice="$build/bin/sluice"
port=${SLUICE_DEMO_PORT:-8083}
# State next to the build, in a folder only this user can enter: not in /tmp, where another user
# could plant a link or a plugin first (docs/security.md, "Files").
work="$(cd "$build" && pwd)/demo"
mkdir -p -m 700 "$work"
rm -f "$work/connectors.json" "$work/offsets.json"  # each run starts from the same two connectors

cat >"$work/worker.yaml" <<YAML
bootstrap.servers: embedded
embedded.topics: transactions:3,transactions_aggregate_sluice:3
embedded.bootstrap.file: $work/bootstrap.txt
listeners: http://127.0.0.1:$port
config.storage.file.filename: $work/connectors.json
offset.storage.file.filename: $work/offsets.json
offset.flush.interval.ms: 2000
key.converter: org.apache.kafka.connect.storage.StringConverter
value.converter: org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable: false
log.level: warn
YAML

"$sluice" worker "$work/worker.yaml" >"$work/worker.log" 2>&1 &
worker=$!
cleanup() { kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true; echo "worker log: $work/worker.log"; }
trap cleanup EXIT INT TERM

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
  kill -0 "$worker" 2>/dev/null || { echo "the worker exited:"; cat "$work/worker.log"; exit 1; }
  sleep 0.1
done
echo "Sluice worker on http://127.0.0.1:$port, embedded Kafka on $(cat "$work/bootstrap.txt")"
echo "  kcat -b $(cat "$work/bootstrap.txt") -t transactions_aggregate_sluice -C -K'  '"

for c in connectors/transactions-datagen.json connectors/transactions-aggregate.json; do
  echo "POST /connectors $c"
  curl -fsS -X POST -H 'Content-Type: application/json' --data @"$c" "http://127.0.0.1:$port/connectors" >/dev/null
done
curl -fsS "http://127.0.0.1:$port/connectors?expand=status" | head -c 400; echo

"$sluice" watch --bootstrap-file "$work/bootstrap.txt" --topic transactions_aggregate_sluice --input-topic transactions ${SLUICE_DEMO_WINDOWS:+--max-windows $SLUICE_DEMO_WINDOWS}
