#!/usr/bin/env bash
# Links the upstream Pod Security Admission test data (one Pod per file, <level>/v1.N/<pass|fail>/,
# from the module k8s.io/pod-security-admission, folder test/testdata) to .tools/pod-security-admission:
# test/review/pod-security-fixtures.test.ts checks our pss-baseline and pss-restricted packs against it.
#
# The release is the one the api-server peer pins (its go.mod replace line, its go.sum hash), so
# the fixtures move with the Kubernetes version the peers judge by. Read in place from Go's module
# cache (a link, nothing copied). Skipped when the link already points at that release.
# Usage: scripts/install-psa-fixtures.sh
set -euo pipefail

MODULE=k8s.io/pod-security-admission
root="$(cd "$(dirname "$0")/.." && pwd)"
peer="$root/test/peers/api-server"
link="$root/.tools/pod-security-admission"
# shellcheck source=pinned-go-module.sh
source "$root/scripts/pinned-go-module.sh"
say() { printf 'install-psa-fixtures: %s\n' "$*"; }

version=$(sed -n "s|^\t$MODULE => $MODULE \(v[0-9.]*\)\$|\1|p" "$peer/go.mod")
sum=$(sed -n "s|^$MODULE $version \(h1:[^ ]*\)\$|\1|p" "$peer/go.sum")
if [[ -z "$version" || -z "$sum" ]]; then
  say "no pinned $MODULE in test/peers/api-server/go.mod and go.sum" >&2
  exit 1
fi

if [[ -d "$link/restricted" && "$(readlink "$link")" == */"$MODULE@$version/test/testdata" ]]; then
  say "fixtures of $MODULE@$version already linked at .tools/pod-security-admission, nothing to do"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  say "Go is not installed (no go on PATH): cannot fetch $MODULE from the Go module proxy. Install Go: https://go.dev/doc/install" >&2
  exit 1
fi

dir=$(pinned_module_dir "$MODULE" "$version" "$sum")
mkdir -p "$root/.tools"
ln -sfn "$dir/test/testdata" "$link"
say "$MODULE@$version: hash verified, fixtures linked at .tools/pod-security-admission"
