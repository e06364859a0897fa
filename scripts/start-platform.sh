#!/usr/bin/env bash
# The README's first command: starts real Kafka and PostgreSQL (installed on first use), the four
# services, and feeds a small demo of violations. Ctrl-C stops the services (the servers keep
# running; `bash scripts/infra/down.sh` stops them).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm install --no-audit --no-fund

bash scripts/infra/up.sh >/dev/null
source scripts/infra/env.sh
export WEBHOOK_SIGNING_SECRET="${WEBHOOK_SIGNING_SECRET:-local-demo-webhook-signing-secret}"
mkdir -p .local/logs

declare -A PORTS=([api]=3000 [scoring-service]=3001 [sanction-service]=3002 [notification-service]=3003)
pids=()
stop_all() { echo; echo "stopping services"; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop_all EXIT INT TERM

for app in api scoring-service sanction-service notification-service; do
  HTTP_PORT=${PORTS[$app]} node -r @swc-node/register "apps/$app/src/main.ts" >".local/logs/$app.log" 2>&1 &
  pids+=($!)
done
for app in api scoring-service sanction-service notification-service; do
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:${PORTS[$app]}/health/ready" >/dev/null && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:${PORTS[$app]}/health/ready" >/dev/null || { echo "$app did not become ready; see .local/logs/$app.log"; tail -20 ".local/logs/$app.log"; exit 1; }
  echo "$app ready on http://127.0.0.1:${PORTS[$app]}"
done

node -r @swc-node/register tools/demo/demo-feed.ts

cat <<INFO

The platform is running.
  API + OpenAPI:        http://127.0.0.1:3000/docs
  A merchant's standing: http://127.0.0.1:3000/v1/merchants/demo-m-1001/standing
  Its inbox:            http://127.0.0.1:3003/v1/merchants/demo-m-1001/inbox
  Metrics:              http://127.0.0.1:300{0,1,2,3}/metrics
  Logs:                 .local/logs/
Press Ctrl-C to stop the services.
INFO
wait
