#!/usr/bin/env bash
# Fetches the CustomResourceDefinitions of the custom resources we emit, from the upstream
# projects' own releases, into .tools/crds/: the api-server test peer installs them so that
# SealedSecrets, ExternalSecrets and Argo CD Applications are validated against the real
# schemas (test/app/api-server.test.ts), like every built-in object.
#
# Each release comes from the Go module proxy (the projects are Go modules; their zips hold
# the CRD files) and is refused unless its module hash (h1:, as go.sum writes it) is the one
# pinned here, so every machine installs the same bytes. Skipped when .tools/crds/ already
# holds these versions.
# Usage: scripts/install-crds.sh
set -euo pipefail

# module  version  module hash  CRD files in the module (space-separated)
RELEASES=(
  "github.com/bitnami/sealed-secrets v0.40.0 h1:FBK3OLCdEtZ5nlh41BKFQcUPu9kkkO0QYaGjHrpF7Tg= helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml"
  "github.com/external-secrets/external-secrets v1.3.2 h1:u2J8RjlHIeF0oZCqtl92adI/uZWUwOesJIDkfql6LqQ= deploy/crds/bundle.yaml"
  "github.com/argoproj/argo-cd/v2 v2.14.21 h1:Ux50vfMUITW+Y+6GAYgQlZbr6WHE5ogiLg9OxxvP9EA= manifests/crds/application-crd.yaml manifests/crds/appproject-crd.yaml"
)

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=pinned-go-module.sh
source "$root/scripts/pinned-go-module.sh"
target="$root/.tools/crds"
stamp="$target/RELEASES"
say() { printf 'install-crds: %s\n' "$*"; }

wanted=$(printf '%s\n' "${RELEASES[@]}")
if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  say "CRDs of these releases already in .tools/crds, nothing to do"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  say "Go is not installed (no go on PATH): cannot fetch the CRDs from the Go module proxy. Install Go: https://go.dev/doc/install" >&2
  exit 1
fi

rm -rf "$target.tmp"
mkdir -p "$target.tmp"
for release in "${RELEASES[@]}"; do
  read -r module version sum files <<<"$release"
  dir=$(pinned_module_dir "$module" "$version" "$sum")
  for file in $files; do
    cp "$dir/$file" "$target.tmp/$(basename "$(dirname "$module")")-$(basename "$module")-$(basename "$file")"
  done
  say "$module@$version: hash verified, $(wc -w <<<"$files") file(s)"
done
printf '%s\n' "$wanted" >"$target.tmp/RELEASES"
rm -rf "$target"
mv "$target.tmp" "$target"
say "CRDs in .tools/crds: $(cat "$target"/*.yaml | grep -c '^kind: CustomResourceDefinition') definitions"
