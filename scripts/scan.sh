#!/usr/bin/env bash
# Runs the Kubernetes scanners users already trust on what this project emits, and fails when
# any of them reports a failure that none of our exceptions accepts (issue 8).
#
#   1. installs them into .tools/ at pinned versions (skipped when already there):
#        Checkov     from PyPI, into the virtual environment .tools/checkov-venv
#        kube-score  built from the Go module proxy into .tools/bin
#        kube-linter built from the Go module proxy into .tools/bin   (optional, see below)
#        Polaris     built from the Go module proxy into .tools/bin   (optional, see below)
#   2. synthesizes the reference platform into dist/ (and, when scripts/synth-templates.ts
#      exists, every template's output into .scan/templates/<template>/);
#   3. runs scripts/scan.ts: each scanner on each of those outputs, judged against
#      lib/policy/scanner-map.ts (our exceptions become each scanner's skip annotations
#      when the YAML is written; checks that do not apply are listed there with the reason).
#
# Checkov and kube-score must install: without them the scan fails. kube-linter and Polaris
# are tried and, when they cannot be built, reported as such and left out: the Go module
# proxy reachable here refuses golang.stackrox.io/kube-linter (every version, 403), and
# Polaris declares `module github.com/fairwindsops/polaris` without the /v9 suffix its v9 tags
# need, so `go install` cannot build a release of it at all (its releases ship as binaries).
#
# Usage: bash scripts/scan.sh [--no-synth]      (from anywhere; paths are relative to the repo)
set -euo pipefail

CHECKOV_VERSION=3.3.30       # newest on PyPI when pinned
KUBE_SCORE_VERSION=v1.20.0   # newest the Go module proxy lists (go list -m -versions github.com/zegl/kube-score)
KUBE_LINTER_VERSION=v0.7.6   # the proxy here lists none (403); this is the release we would pin
POLARIS_VERSION=v9.6.1       # likewise not served here; see above

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
venv="$tools/checkov-venv"
logs="$tools/scan-logs"
mkdir -p "$bin" "$logs"
cd "$root"

say() { printf 'scan: %s\n' "$*"; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

synth=true
for arg in "$@"; do
  case "$arg" in
    --no-synth) synth=false ;;
    *) say "unknown argument '$arg' (usage: bash scripts/scan.sh [--no-synth])" >&2; exit 2 ;;
  esac
done

# --- Checkov: from PyPI into its own virtual environment (in the background: it takes as long as a Go build).
install_checkov() {
  if [[ -x "$venv/bin/checkov" && "$("$venv/bin/checkov" --version 2>/dev/null)" == "$CHECKOV_VERSION" ]]; then
    echo "checkov $CHECKOV_VERSION already in .tools/checkov-venv, nothing to do"
    return 0
  fi
  local start; start=$(date +%s)
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
  echo "installed checkov $("$venv/bin/checkov" --version) in $(seconds_since "$start")s"
}

# --- Go tools: `go install module/cmd@version` with the version stamped in, checked by running it.
# go_tool NAME MODULE VERSION VERSION_LDFLAG EXPECTED_VERSION_OUTPUT
go_tool() {
  local name=$1 pkg=$2 version=$3 ldflag=$4 expected=$5
  if [[ -x "$bin/$name" ]] && "$bin/$name" version 2>/dev/null | grep -qF -- "$expected"; then
    say "$name $version already in .tools/bin, nothing to do"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    say "$name: Go is not installed, so it cannot be built" >&2
    return 1
  fi
  local start; start=$(date +%s)
  say "building $name $version from the Go module proxy ($(go version | cut -d' ' -f3))"
  # CGO off: a static binary. -trimpath: no local paths in it.
  if GOBIN="$bin" CGO_ENABLED=0 go install -trimpath -ldflags "-X $ldflag=$version" "$pkg@$version" >"$logs/$name.log" 2>&1; then
    say "built $name in $(seconds_since "$start")s: $("$bin/$name" version 2>&1 | head -n1)"
  else
    say "$name $version cannot be built here: $(grep -m1 -E 'go: |error' "$logs/$name.log" || tail -n1 "$logs/$name.log")" >&2
    return 1
  fi
}

total_start=$(date +%s)
install_checkov >"$logs/checkov.log" 2>&1 &
checkov_pid=$!

go_tool kube-score github.com/zegl/kube-score/cmd/kube-score "$KUBE_SCORE_VERSION" main.version "version: $KUBE_SCORE_VERSION," \
  || { say "kube-score is required" >&2; kill "$checkov_pid" 2>/dev/null || true; exit 1; }
go_tool kube-linter golang.stackrox.io/kube-linter/cmd/kube-linter "$KUBE_LINTER_VERSION" \
  golang.stackrox.io/kube-linter/internal/version.version "${KUBE_LINTER_VERSION#v}" \
  || say "kube-linter left out of this scan (see above)"
go_tool polaris github.com/fairwindsops/polaris "$POLARIS_VERSION" main.Version "$POLARIS_VERSION" \
  || say "polaris left out of this scan (see above)"

if wait "$checkov_pid"; then
  sed 's/^/scan: /' "$logs/checkov.log"
else
  sed 's/^/scan: /' "$logs/checkov.log" >&2
  say "checkov $CHECKOV_VERSION could not be installed from PyPI; it is required" >&2
  exit 1
fi
say "tools ready in $(seconds_since "$total_start")s"

# --- What to scan.
if $synth; then
  say "synthesizing the reference platform into dist/"
  CDK8S_CHECK_UPGRADE=false npx --no-install cdk8s synth >"$logs/synth.log" 2>&1 || { cat "$logs/synth.log" >&2; exit 1; }
  if [[ -f scripts/synth-templates.ts ]]; then
    rm -rf .scan/templates
    say "synthesizing every template's output into .scan/templates/"
    node --import tsx scripts/synth-templates.ts .scan/templates
  fi
fi

export SCAN_CHECKOV="$venv/bin/checkov" SCAN_KUBE_SCORE="$bin/kube-score" SCAN_KUBE_LINTER="$bin/kube-linter" SCAN_POLARIS="$bin/polaris"
export SCAN_VERSIONS="checkov=$CHECKOV_VERSION kube-score=$KUBE_SCORE_VERSION kube-linter=$KUBE_LINTER_VERSION polaris=$POLARIS_VERSION"
exec node --import tsx scripts/scan.ts dist .scan/templates
