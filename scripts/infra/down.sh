#!/usr/bin/env bash
# Stops the local stack (Kafka, then PostgreSQL). Data is kept, so up.sh brings it back as it was.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Try both even if the first fails, and fail at the end if either did.
status=0
bash "$SCRIPT_DIR/kafka.sh" stop || status=$?
bash "$SCRIPT_DIR/postgres.sh" stop || status=$?
exit "$status"
