#!/usr/bin/env bash
# Starts the local stack (PostgreSQL, then Kafka) and prints the environment to use it.
# Idempotent: what already runs is left alone; only the first run downloads anything.
# Progress goes to stderr and the exports to stdout, so this also works:
#   eval "$(bash scripts/infra/up.sh)"
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

bash "$SCRIPT_DIR/postgres.sh" start
bash "$SCRIPT_DIR/kafka.sh" start

# The addresses of what was just started, not whatever the caller's environment says.
echo "# local stack is up; stop it with: bash scripts/infra/down.sh" >&2
echo "export KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-9092}"
echo "export DATABASE_URL=postgres://penalty:penalty@127.0.0.1:${PG_PORT:-55432}/penalty"
