#!/usr/bin/env bash
# Stops the local stack (Kafka and the SASL_SSL test broker, then PostgreSQL). Data is kept, so up.sh brings it back as it was.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Try both even if the first fails, and fail at the end if either did.
status=0
bash "$SCRIPT_DIR/kafka.sh" stop || status=$?
# The SASL_SSL broker of the security tests, when one was started.
bash "$SCRIPT_DIR/kafka-secure.sh" stop || status=$?
bash "$SCRIPT_DIR/postgres.sh" stop || status=$?
exit "$status"
