#!/usr/bin/env bash
# The README's test command: type check, unit tests, then (once present) integration tests against a
# real Kafka broker and PostgreSQL, started here unless KAFKA_BROKERS / DATABASE_URL point elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"; npx tsc -p tsconfig.json --noEmit
echo "== unit tests"; npx jest -c jest.unit.config.js --ci
