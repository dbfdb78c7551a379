#!/usr/bin/env bash
# Builds the kubectl-yaml test peer (test/peers/kubectl-yaml: kubectl's own manifest decoding,
# from k8s.io/apimachinery at the version its go.mod pins) into .tools/bin/kubectl-yaml.
# test/review/kubectl-yaml.test.ts uses it to prove that the review reads YAML exactly as
# kubectl does (a review that reads `privileged: yes` differently from kubectl can be bypassed).
#
# Go checks every module against the peer's go.sum. Rebuilt every time (seconds once Go's
# build cache is warm), so the binary always matches the peer's source.
# Usage: scripts/install-kubectl-yaml.sh          (from anywhere; paths are relative to the repo)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
peer="$root/test/peers/kubectl-yaml"
bin="$root/.tools/bin"

say() { printf 'install-kubectl-yaml: %s\n' "$*"; }

if ! command -v go >/dev/null 2>&1; then
  say "Go is not installed: cannot build the kubectl-yaml peer. Install Go, or its test stays skipped." >&2
  exit 1
fi

mkdir -p "$bin"
start=$(date +%s)
# CGO off: a static binary. -mod=readonly: go.mod and go.sum are the pins, never rewritten.
(cd "$peer" && CGO_ENABLED=0 go build -mod=readonly -trimpath -o "$bin/kubectl-yaml.tmp" .)
mv "$bin/kubectl-yaml.tmp" "$bin/kubectl-yaml"
say "built .tools/bin/kubectl-yaml ($(sed -n 's/^require k8s.io\/apimachinery //p' "$peer/go.mod"), $(go version | cut -d' ' -f3)) in $(( $(date +%s) - start ))s"
