#!/usr/bin/env bash
# The deployment checks' tools, pinned and cached under ~/.cache/penalty-platform (installed on first
# use, from the Go module proxy and PyPI only):
#   helm         helm.sh/helm/v4            renders the chart
#   kubeconform  github.com/yannh/kubeconform  validates the rendered objects against the schemas
#   kube-score   github.com/zegl/kube-score   checks them for reliability and security
#   compose-spec github.com/compose-spec/compose-go/v2/cmd  compose's own loader (docker compose uses it)
#   Kubernetes JSON schemas from PyPI's kubernetes-validate (kubeconform downloads its schemas from a
#   site this project cannot reach); refs made file-relative so that kubeconform resolves them offline.
#
# Source it; then `deploy_tool helm` prints the path of helm (installing it if needed) and
# `kubernetes_schemas` the schema directory.
HELM_VERSION=v4.3.1
KUBECONFORM_VERSION=v0.8.0
KUBE_SCORE_VERSION=v1.20.0
# v2.17 needs a newer Go than 1.26.8, which is what these machines have.
COMPOSE_GO_VERSION=v2.16.2
KUBERNETES_VALIDATE_VERSION=1.37.0
# Oldest and newest Kubernetes the chart is validated for (Chart.yaml kubeVersion: >=1.30).
KUBERNETES_VERSIONS=(1.30.0 1.37.0)

DEPLOY_TOOLS_CACHE="${PENALTY_CACHE_DIR:-$HOME/.cache/penalty-platform}"

deploy_tool() {
  local name="$1" module version binary
  case "$name" in
    helm) module=helm.sh/helm/v4/cmd/helm version=$HELM_VERSION binary=helm ;;
    kubeconform) module=github.com/yannh/kubeconform/cmd/kubeconform version=$KUBECONFORM_VERSION binary=kubeconform ;;
    kube-score) module=github.com/zegl/kube-score/cmd/kube-score version=$KUBE_SCORE_VERSION binary=kube-score ;;
    compose-spec) module=github.com/compose-spec/compose-go/v2/cmd version=$COMPOSE_GO_VERSION binary=cmd ;;
    *) echo "deploy_tool: unknown tool $name" >&2; return 2 ;;
  esac
  local dir="$DEPLOY_TOOLS_CACHE/bin/$name-$version"
  if [[ ! -x "$dir/$binary" ]]; then
    command -v go >/dev/null || { echo "deploy_tool: $name needs Go (go install $module@$version)" >&2; return 1; }
    echo "deploy_tool: go install $module@$version (once; several minutes for helm)" >&2
    mkdir -p "$dir"
    GOBIN="$dir" GOTOOLCHAIN=local GOFLAGS=-mod=mod go install "$module@$version" >&2
  fi
  echo "$dir/$binary"
}

kubernetes_schemas() {
  local dir="$DEPLOY_TOOLS_CACHE/kubernetes-json-schema/$KUBERNETES_VALIDATE_VERSION"
  if [[ ! -f "$dir/.complete" ]]; then
    echo "deploy_tool: Kubernetes JSON schemas from kubernetes-validate==$KUBERNETES_VALIDATE_VERSION (PyPI)" >&2
    local wheel
    wheel="$(mktemp -d)"
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --dest "$wheel" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
    rm -rf "$dir" && mkdir -p "$dir"
    python3 - "$wheel"/*.whl "$dir" "${KUBERNETES_VERSIONS[@]}" <<'PY' >&2
import json, os, sys, zipfile
wheel, out, versions = sys.argv[1], sys.argv[2], [f"v{v}-local-strict" for v in sys.argv[3:]]
prefix = "kubernetes_validate/kubernetes-json-schema/"
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        rel = name[len(prefix):] if name.startswith(prefix) else ""
        if not rel.endswith(".json") or rel.split("/")[0] not in versions:
            continue
        schema = json.loads(archive.read(name))
        # Each file names itself https://kubernetes.io/api/…; without that $id, "_definitions.json#…"
        # resolves next to the file.
        schema.pop("$id", None)
        text = json.dumps(schema).replace('"/api/_definitions.json#', '"_definitions.json#')
        os.makedirs(os.path.join(out, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(out, rel), "w") as target:
            target.write(text)
PY
    rm -rf "$wheel"
    touch "$dir/.complete"
  fi
  echo "$dir"
}
