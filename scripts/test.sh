#!/usr/bin/env bash
# The README's test command. Runs every check: type check, lint (with module boundaries), the
# contract and OpenAPI documents' freshness, the OpenAPI lint, unit tests, then the integration tests
# on a real Kafka broker and PostgreSQL: the ones named by KAFKA_BROKERS / DATABASE_URL, else
# containers when a Docker engine answers, else the local servers that scripts/infra/up.sh installs and starts; last, the chaos suite's
# short run on a broker and database of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true

step() { printf '\n== %s\n' "$*"; }

step "type check";   npx tsc -p tsconfig.json --noEmit && npx tsc -p apps/ops-dashboard/tsconfig.json
step "lint";         npm run -s lint
step "contracts";    node -r @swc-node/register tools/contracts/generate-contracts.ts --check
# The SDK's HTTP types are generated from the checked-in OpenAPI documents (npm run contracts:generate).
step "SDK types";    node tools/sdk/generate-openapi-types.js --check
step "OpenAPI lint (@redocly/cli, recommended rules: 0 errors, 0 warnings)"; bash tools/contracts/lint-openapi.sh
step "unit tests";   npx jest -c jest.unit.config.js --ci
# The image runs Node 24 (Dockerfile); the machine's Node may be older. Official binaries from PyPI.
node_image_version="$(sed -n 's/^ARG NODE_VERSION=//p' Dockerfile)"
step "unit tests on Node $node_image_version (the image's)"
PATH="$(bash tools/deploy/node-lts.sh "$node_image_version"):$PATH" npx jest -c jest.unit.config.js --ci
step "Kubernetes chart, compose file, Dockerfile"; bash tools/deploy/check-manifests.sh

if [[ -z "${KAFKA_BROKERS:-}" || -z "${DATABASE_URL:-}" ]] && ! docker info >/dev/null 2>&1; then
  step "starting local Kafka and PostgreSQL"
  bash scripts/infra/up.sh >/dev/null
  source scripts/infra/env.sh
fi
# The dashboard's browser tests drive Debian's Chromium (no downloaded browser) on the built dashboard.
if ! command -v chromium >/dev/null 2>&1 && [[ -z "${CHROMIUM_PATH:-}" ]]; then
  step "installing Debian's Chromium (browser tests)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
fi
step "production build and image rehearsal (services from dist/, production dependencies only)"
bash tools/deploy/image-rehearsal.sh
step "building the ops dashboard"
npx vite build -c apps/ops-dashboard/vite.config.mts --logLevel error
# Its initial JS (what a cold load fetches before any page's chunk) gzipped, at most 300 kB.
node -r @swc-node/register tools/dashboard/check-bundle-size.ts --limit-kb 300
step "integration tests (real Kafka + PostgreSQL)"
npx jest -c apps/pipeline-e2e/jest.config.js --ci --runInBand
# The chaos suite's short run: its own broker and database (so it may kill them), two replicas of every
# service, about 2,000 messages and one fault of each kind; input checked against output (tools/chaos).
step "chaos suite, short run (own Kafka + PostgreSQL, two replicas per service, faults)"
node -r @swc-node/register tools/chaos/chaos.main.ts short
