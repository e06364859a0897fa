#!/usr/bin/env bash
# The deployment descriptions, checked without a cluster or a Docker engine (a step of `npm test`):
#  1. the Helm chart (k8s/penalty-platform): `helm lint --strict`, rendered with
#     ci/production-values.yaml, then kubeconform -strict against the Kubernetes 1.30 and 1.37 schemas
#     (0 errors; ExternalSecret is skipped: a CRD whose schema kubeconform does not have) and
#     kube-score (0 CRITICAL, 0 WARNING; no test ignored);
#  2. docker-compose.yml through compose's loader: `docker compose config` where Docker answers, else
#     compose-go, the library docker compose is built on;
#  3. what those cannot see (manifests/*.spec.ts on the rendered output and the compose model, and the
#     Dockerfile's requirements, rehearsal/dockerfile.spec.ts).
# Tools are pinned and installed on first use (tools.sh). Output: .local/deploy-checks/.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/deploy/tools.sh
out=.local/deploy-checks
rm -rf "$out" && mkdir -p "$out"
chart=k8s/penalty-platform
values="$chart/ci/production-values.yaml"

helm="$(deploy_tool helm)"
kubeconform="$(deploy_tool kubeconform)"
kube_score="$(deploy_tool kube-score)"
schemas="$(kubernetes_schemas)"

echo "helm lint --strict ($HELM_VERSION)"
"$helm" lint --strict "$chart" -f "$values" | grep -v '^$'
"$helm" template penalty-platform "$chart" -f "$values" --namespace penalty-platform >"$out/chart.yaml"
# The chart refuses to render without the broker addresses (no placeholder defaults).
if "$helm" template penalty-platform "$chart" >/dev/null 2>"$out/no-values.err"; then
  echo "the chart rendered without kafka.brokers" >&2; exit 1
fi
grep -q 'kafka.brokers is required' "$out/no-values.err"

for version in "${KUBERNETES_VERSIONS[@]}"; do
  echo "kubeconform -strict, Kubernetes $version ($KUBECONFORM_VERSION)"
  "$kubeconform" -strict -summary -kubernetes-version "$version" -skip ExternalSecret \
    -schema-location "$schemas/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    "$out/chart.yaml"
done

echo "kube-score ($KUBE_SCORE_VERSION)"
if ! "$kube_score" score --output-format ci "$out/chart.yaml" >"$out/kube-score.txt"; then
  grep -E '^\[(CRITICAL|WARNING)\]' "$out/kube-score.txt" >&2 || cat "$out/kube-score.txt" >&2
  exit 1
fi
critical=$(grep -c '^\[CRITICAL\]' "$out/kube-score.txt" || true)
warning=$(grep -c '^\[WARNING\]' "$out/kube-score.txt" || true)
ok=$(grep -c '^\[OK\]' "$out/kube-score.txt" || true)
echo "kube-score: $critical CRITICAL, $warning WARNING, $ok OK"
grep -E '^\[(CRITICAL|WARNING)\]' "$out/kube-score.txt" >&2 && exit 1

if docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  echo "docker compose config"
  docker compose -f docker-compose.yml config --format json >"$out/compose.json"
else
  echo "compose-go loader ($COMPOSE_GO_VERSION)"
  "$(deploy_tool compose-spec)" --format json docker-compose.yml >"$out/compose.json"
fi

DEPLOY_CHECKS_DIR="$out" npx jest -c tools/deploy/jest.config.js --ci tools/deploy/manifests tools/deploy/rehearsal/dockerfile.spec
