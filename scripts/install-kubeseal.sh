#!/usr/bin/env bash
# Builds kubeseal (Bitnami Sealed Secrets' CLI) from the Go module proxy into .tools/bin/,
# at a pinned version. test/secrets/kubeseal.test.ts uses it to prove that what
# SealedSecret writes is what the real tool decrypts.
#
# Idempotent: when .tools/bin/kubeseal already reports the pinned version it does nothing.
# Needs Go. The pinned release asks for Go 1.26.8 or newer; an older go command fetches that
# toolchain from the module proxy by itself (GOTOOLCHAIN=auto, Go's default).
# Usage: scripts/install-kubeseal.sh          (from anywhere; paths are relative to the repo)
set -euo pipefail

KUBESEAL_VERSION=v0.40.0   # newest release the Go module proxy serves (go list -m -versions github.com/bitnami-labs/sealed-secrets)
# From v0.40.0 the module calls itself github.com/bitnami/sealed-secrets (the old path
# github.com/bitnami-labs/sealed-secrets@v0.40.0 fails: "module declares its path as ...").
MODULE=github.com/bitnami/sealed-secrets
# The checksum database (sum.golang.org) does not answer for the renamed module here (404),
# so Go cannot verify it by itself. Instead we pin the module's hash (pinned-go-module.sh)
# and refuse anything else: every machine builds from the bytes this hash names. Its
# dependencies are still checked against its go.sum and the checksum database as usual.
MODULE_SUM=h1:FBK3OLCdEtZ5nlh41BKFQcUPu9kkkO0QYaGjHrpF7Tg=

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin"
kubeseal="$bin/kubeseal"
# shellcheck source=pinned-go-module.sh
source "$root/scripts/pinned-go-module.sh"

say() { printf 'install-kubeseal: %s\n' "$*"; }

# The build below stamps the version into the binary, so `kubeseal --version` tells what is there.
if [[ -x "$kubeseal" && "$("$kubeseal" --version 2>/dev/null)" == "kubeseal version: $KUBESEAL_VERSION" ]]; then
  say "kubeseal $KUBESEAL_VERSION already in .tools/bin, nothing to do"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "Go is not installed (no go on PATH): cannot build kubeseal. Install Go: https://go.dev/doc/install" >&2
  exit 1
fi

mkdir -p "$bin"
start=$(date +%s)
say "downloading $MODULE@$KUBESEAL_VERSION from the Go module proxy"
dir=$(pinned_module_dir "$MODULE" "$KUBESEAL_VERSION" "$MODULE_SUM")
say "hash verified ($MODULE_SUM); building kubeseal with $(go version | cut -d' ' -f3) (a few minutes the first time)"
# Built inside the downloaded release, as its own main module: its go.sum pins (and Go
# verifies) every dependency. `go install <module>/cmd/kubeseal@<version>` would do the same
# but first asks the proxy for the module's version list, which it refuses here (403).
# CGO off: a static binary that needs nothing from the machine. -trimpath: no local paths in it.
(cd "$dir" && CGO_ENABLED=0 go build -mod=readonly -trimpath \
  -ldflags "-X main.VERSION=$KUBESEAL_VERSION" -o "$kubeseal.tmp" ./cmd/kubeseal)
mv "$kubeseal.tmp" "$kubeseal"
say "built $kubeseal in $(( $(date +%s) - start ))s: $("$kubeseal" --version 2>&1 | head -n1)"
