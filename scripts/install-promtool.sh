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
# shellcheck source=pinned-go-module.sh
source "$root/scripts/pinned-go-module.sh"

# remove_all_sd leaves out the service-discovery plugins (cloud SDKs promtool's rule commands never
# use); netgo: Go's own resolver, a static binary. The build stamps the version into the binary.
install_pinned_go_tool promtool "promtool, version $PROMETHEUS_VERSION " "$MODULE" "$MODULE_VERSION" "$MODULE_SUM" ./cmd/promtool \
  -tags netgo,remove_all_sd -ldflags "-X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION"
