# shellcheck shell=bash
# Source this file (do not run it) to point the apps and the integration tests at the local
# stack that scripts/infra/up.sh starts:
#   source scripts/infra/env.sh
# Values that are already set win, so CI or a developer can point at another broker or database.
# No `set -euo pipefail` here: it would change the options of the shell that sources this file.
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export DATABASE_URL="${DATABASE_URL:-postgres://penalty:penalty@127.0.0.1:${PG_PORT:-55432}/penalty}"
