#!/usr/bin/env bash
# Builds promtool (Prometheus' rule checker and rule unit-test runner) from the Go module proxy
# into .tools/bin/, at a pinned version. test/monitoring/promtool.test.ts uses it to prove the
# security alerts (lib/monitoring): `promtool check rules` on every PrometheusRule we emit and
# `promtool test rules` with a firing and a quiet series for every alert.
#
# Idempotent: when .tools/bin/promtool already reports the pinned version it does nothing.
# Needs Go (the release asks for Go 1.25 or newer; an older go command fetches that toolchain
# from the module proxy by itself, GOTOOLCHAIN=auto).
# Usage: scripts/install-promtool.sh          (from anywhere; paths are relative to the repo)
set -euo pipefail

PROMETHEUS_VERSION=3.16.0
# Prometheus publishes its Go module as v0.<minor><patch two digits>.x: 3.16.0 is v0.316.0.
MODULE=github.com/prometheus/prometheus
MODULE_VERSION=v0.316.0
# Pinned like kubeseal's (pinned-go-module.sh): every machine builds from the bytes this hash
# names; the dependencies are checked against the release's go.sum as usual.
MODULE_SUM=h1:f1GRFerhTMKQma+awCoC9T820ecWeGSdF+xAlMHzZzM=

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin"
promtool="$bin/promtool"
# shellcheck source=pinned-go-module.sh
source "$root/scripts/pinned-go-module.sh"

say() { printf 'install-promtool: %s\n' "$*"; }

# The build stamps the version into the binary, so `promtool --version` tells what is there.
if [[ -x "$promtool" ]] && "$promtool" --version 2>/dev/null | grep -q "^promtool, version $PROMETHEUS_VERSION "; then
  say "promtool $PROMETHEUS_VERSION already in .tools/bin, nothing to do"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "Go is not installed (no go on PATH): cannot build promtool. Install Go: https://go.dev/doc/install" >&2
  exit 1
fi

mkdir -p "$bin"
start=$(date +%s)
say "downloading $MODULE@$MODULE_VERSION from the Go module proxy"
dir=$(pinned_module_dir "$MODULE" "$MODULE_VERSION" "$MODULE_SUM")
say "hash verified ($MODULE_SUM); building promtool with $(go version | cut -d' ' -f3) (a few minutes the first time)"
# Built inside the downloaded release, as its own main module (its go.sum pins every dependency).
# remove_all_sd leaves out the service-discovery plugins (cloud SDKs promtool's rule commands never
# use); netgo and CGO off: a static binary. -trimpath: no local paths in it. GOWORK=off: the module
# zip carries the repository's go.work, whose other modules the zip leaves out.
(cd "$dir" && GOWORK=off CGO_ENABLED=0 go build -mod=readonly -trimpath -tags netgo,remove_all_sd \
  -ldflags "-X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION" -o "$promtool.tmp" ./cmd/promtool)
mv "$promtool.tmp" "$promtool"
say "built $promtool in $(( $(date +%s) - start ))s: $("$promtool" --version 2>&1 | head -n1)"
