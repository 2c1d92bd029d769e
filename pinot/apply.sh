#!/usr/bin/env bash
# Validates and creates the pinot/*.schema.json + *.table.json pairs on a Pinot controller.
# Usage: pinot/apply.sh [CONTROLLER_URL] [KAFKA_BROKERS] [extra provision args]
# KAFKA_BROKERS is the list as Pinot's servers see it (default kafka:29092, the compose network).
# SLUICE overrides the sluice executable (default: build/bin/sluice, then sluice on PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
url="${1:-http://localhost:9000}"
brokers="${2:-kafka:29092}"
shift $(( $# < 2 ? $# : 2 ))
sluice="${SLUICE:-$here/../build/bin/sluice}"
[ -x "$sluice" ] || sluice="$(command -v sluice)"
exec "$sluice" provision --pinot "$url" --kafka-brokers "$brokers" --pinot-dir "$here" "$@"
