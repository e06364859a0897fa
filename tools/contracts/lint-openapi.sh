#!/usr/bin/env bash
# Lints every service's checked-in OpenAPI document (redocly.yaml: the recommended rules) and fails on
# any error or warning (redocly itself exits 0 on warnings).
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
out="$(npx redocly lint --max-problems=1000 --format=stylish 2>&1)" || status=$?
problems="$(grep -E '^\s+[0-9]+:[0-9]+\s+(error|warning)\s' <<<"$out" || true)"
if [[ $status -ne 0 || -n "$problems" ]]; then
  grep -v -E '║|╔|╚' <<<"$out" >&2
  echo "OpenAPI lint: $(grep -c . <<<"$problems") problem(s); fix the document at its source (DTOs, decorators, libs/messaging openapi-document.ts) and regenerate" >&2
  exit 1
fi
echo "OpenAPI lint: $(grep -c '^validating' <<<"$out") documents, 0 errors, 0 warnings"
