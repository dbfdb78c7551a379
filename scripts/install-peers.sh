#!/usr/bin/env bash
# Builds the project's Go test peers into .tools/bin/<peer>: each folder of test/peers/ is a
# small program around upstream Kubernetes code, pinned by its own go.mod and go.sum.
#
#   kubectl-yaml     kubectl's manifest reading: apimachinery's document decoding loop, and
#                    (--create) what `kubectl create -f FILE` sends, through cli-runtime's
#                    resource builder and kubectl's validation (k8s.io/apimachinery,
#                    k8s.io/cli-runtime, k8s.io/kubectl): the judge of how the review reads
#                    YAML (test/review/kubectl-yaml.test.ts, test/review/kubectl-fuzz.test.ts)
#   cluster-config   the API server's, kubeadm's and the kubelet's configuration loaders and
#                    validators (k8s.io/kubernetes at a release, its staging modules such as
#                    k8s.io/apiserver replaced by the same release's): the judge of the
#                    control-plane files (test/cluster/upstream-loaders.test.ts). About two
#                    minutes on a cold Go cache.
#   api-server       kube-apiserver itself (k8s.io/kubernetes) on an embedded etcd: the
#                    judge of the whole output, created on it, and of the control-plane files
#                    it starts with (test/app/api-server.test.ts). The largest build: about
#                    three minutes on a cold Go cache.
#   netpol-truth     cyclonus's NetworkPolicy matcher, an implementation of the semantics
#                    that is not ours: the judge of the reachability analysis
#                    (test/review/analyses/cyclonus.test.ts).
#   helm-render      Helm's own `helm template --include-crds` (helm.sh/helm/v4): the judge of the
#                    charts vendored in vendor/addons/, each rendered once into rendered.yaml
#                    (test/addons/helm-render.test.ts). About two minutes on a cold Go cache.
#   otelcol          the OpenTelemetry Collector with the components the audit log shipper's
#                    configuration names (filelog, file_storage, health_check, otlphttp; collector
#                    v0.165.0, contrib v0.165.1): the judge of that configuration, validated and run
#                    on an audit log (test/monitoring/audit-log-shipper-run.test.ts).
#
# Go checks every module against the peer's go.sum. A peer is rebuilt when its folder's files
# (source, go.mod, go.sum) are not those it was built from: their hash is kept beside the binary
# (.tools/bin/<peer>.sources), so each binary matches its source and an unchanged one costs no
# build (a rebuild links again: 4 to 15 seconds each even with Go's build cache warm).
# Usage: scripts/install-peers.sh [PEER...]   (default: every folder of test/peers/; from anywhere)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin"

say() { printf 'install-peers: %s\n' "$*"; }

# The hash of a peer folder's files, names included (sorted bytewise: the same on every machine).
sources_hash() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); }

peers=()
if [[ $# -gt 0 ]]; then
  for name in "$@"; do peers+=("$root/test/peers/$name"); done
else
  peers=("$root"/test/peers/*/)
fi

mkdir -p "$bin"
for peer in "${peers[@]}"; do
  peer="${peer%/}"
  name="$(basename "$peer")"
  [[ -f "$peer/go.mod" ]] || { say "no test peer $name (test/peers/$name/go.mod)" >&2; exit 1; }
  hash=$(sources_hash "$peer")
  if [[ -x "$bin/$name" && "$(cat "$bin/$name.sources" 2>/dev/null)" == "$hash" ]]; then
    say "$name already built from these sources in .tools/bin, nothing to do"
    continue
  fi
  if ! command -v go >/dev/null 2>&1; then
    say "Go is not installed (no go on PATH): cannot build the test peer $name. Install Go: https://go.dev/doc/install" >&2
    exit 1
  fi
  start=$(date +%s)
  # CGO off: a static binary. -mod=readonly: go.mod and go.sum are the pins, never rewritten.
  (cd "$peer" && CGO_ENABLED=0 go build -mod=readonly -trimpath -o "$bin/$name.tmp" .)
  mv "$bin/$name.tmp" "$bin/$name"
  printf '%s\n' "$hash" >"$bin/$name.sources"
  # The Kubernetes modules it pins, whether in a require block or on a single require line.
  # (v0.0.0 is how k8s.io/kubernetes requires its staging modules; a replace pins them.)
  # (A peer that pins none, such as helm-render, says so: grep finding nothing is no failure.)
  pins=$(sed -n 's/^\(require \|\t\)\(k8s\.io\/[a-z-]*\) \(v[0-9.]*\)$/\2 \3/p' "$peer/go.mod" | { grep -v ' v0\.0\.0$' || true; } | paste -sd, - | sed 's/,/, /g')
  pins=${pins:-no Kubernetes module pinned directly}
  say "built .tools/bin/$name ($pins; $(go version | cut -d' ' -f3)) in $(( $(date +%s) - start ))s"
done
