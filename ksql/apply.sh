#!/usr/bin/env bash
# Applies ksql/*.sql in order to a ksqlDB server. Usage: ksql/apply.sh [KSQL_URL] [extra provision args]
# SLUICE overrides the sluice executable (default: build/bin/sluice, then sluice on PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
url="${1:-http://localhost:8088}"
shift || true
sluice="${SLUICE:-$here/../build/bin/sluice}"
[ -x "$sluice" ] || sluice="$(command -v sluice)"
exec "$sluice" provision --ksql "$url" --ksql-dir "$here" "$@"
