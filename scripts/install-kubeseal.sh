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
# shellcheck source=pinned-go-module.sh
source "$root/scripts/pinned-go-module.sh"

# The build stamps the version into the binary, so `kubeseal --version` tells what is there.
install_pinned_go_tool kubeseal "kubeseal version: $KUBESEAL_VERSION" "$MODULE" "$KUBESEAL_VERSION" "$MODULE_SUM" ./cmd/kubeseal \
  -ldflags "-X main.VERSION=$KUBESEAL_VERSION"
