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
# Local sign-in for the demo: an admin account and an API key for the demo feed, made once and kept in
# .local/demo-credentials (not committed). A real deployment sets these from its secret store.
if [[ ! -f .local/demo-credentials ]]; then
  {
    echo "AUTH_SESSION_SECRET=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))")"
    echo "BOOTSTRAP_ADMIN_USERNAME=admin"
    echo "BOOTSTRAP_ADMIN_PASSWORD=$(node -e "console.log(require('crypto').randomBytes(12).toString('base64url'))")"
    echo "BOOTSTRAP_API_KEY=pk_$(node -e "console.log(require('crypto').randomBytes(6).toString('hex') + '_' + require('crypto').randomBytes(32).toString('base64url'))")"
  } > .local/demo-credentials
  chmod 600 .local/demo-credentials
fi
set -a; source .local/demo-credentials; set +a
export BOOTSTRAP_API_KEY_SCOPES=violations:write,standing:read
# Plain http on 127.0.0.1: browsers keep Secure cookies on localhost, other clients may not.
export COOKIE_SECURE="${COOKIE_SECURE:-false}"

declare -A PORTS=([api]=3000 [scoring-service]=3001 [sanction-service]=3002 [notification-service]=3003)
pids=()
stop_all() { echo; echo "stopping services"; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop_all EXIT INT TERM

# The services believe X-Forwarded-For from the dashboard's server on this machine (the api throttles
# sign-in per client address); the dashboard's server itself trusts no proxy in front of it.
for app in api scoring-service sanction-service notification-service; do
  HTTP_PORT=${PORTS[$app]} TRUST_PROXY=${TRUST_PROXY:-loopback} node -r @swc-node/register "apps/$app/src/main.ts" >".local/logs/$app.log" 2>&1 &
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

API_KEY="$BOOTSTRAP_API_KEY" node -r @swc-node/register tools/demo/demo-feed.ts

# The ops dashboard: built once, served with a same-origin proxy to the services.
npx vite build -c apps/ops-dashboard/vite.config.mts --logLevel error
HTTP_PORT=8080 node -r @swc-node/register apps/ops-dashboard/server/main.ts >.local/logs/ops-dashboard.log 2>&1 &
pids+=($!)

cat <<INFO

The platform is running.
  Ops dashboard:        http://127.0.0.1:8080  (sign in as admin; the password is in .local/demo-credentials)
  API + OpenAPI:        http://127.0.0.1:3000/docs
  Sign in:              POST http://127.0.0.1:3000/v1/auth/sign-in {"username":"admin","password":"$BOOTSTRAP_ADMIN_PASSWORD"}
                        (credentials in .local/demo-credentials), or send x-api-key: $BOOTSTRAP_API_KEY
  A merchant's standing: http://127.0.0.1:3000/v1/merchants/demo-m-1001/standing
  Its inbox:            http://127.0.0.1:3003/v1/merchants/demo-m-1001/inbox
  Metrics:              http://127.0.0.1:300{0,1,2,3}/metrics
  Logs:                 .local/logs/
Press Ctrl-C to stop the services.
INFO
wait
