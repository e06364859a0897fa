#!/usr/bin/env bash
# Prints the path of a schemathesis CLI (PyPI), installed on first use into a virtualenv under
# ~/.cache/penalty-platform/schemathesis/<version> (like tools/deploy/node-lts.sh caches Node).
#
#   tools/contracts/schemathesis.sh   → /root/.cache/penalty-platform/schemathesis/4.32.5/venv/bin/st
set -euo pipefail
version="${SCHEMATHESIS_VERSION:-4.32.5}"
cache="${PENALTY_CACHE_DIR:-$HOME/.cache/penalty-platform}/schemathesis/$version"
if ! "$cache/venv/bin/python" -c 'import schemathesis' 2>/dev/null; then
  echo "schemathesis: installing $version into $cache" >&2
  rm -rf "$cache"
  python3 -m venv "$cache/venv" >&2
  "$cache/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
echo "$cache/venv/bin/st"
