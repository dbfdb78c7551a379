#!/usr/bin/env bash
# Runs the Kubernetes scanners users already trust on what this project emits, and fails when
# any of them reports a failure that none of our exceptions accepts (issue 8).
#
#   1. installs them into .tools/ at pinned versions (skipped when already there):
#        Checkov     from PyPI, into the virtual environment .tools/checkov-venv
#        kube-score  built from the Go module proxy into .tools/bin
#        kube-linter built from its release source in ../shared/peer-src into .tools/bin
#        Polaris     built from its release source in ../shared/peer-src into .tools/bin
#        Trivy       built from the Go module proxy into .tools/bin (run offline: its embedded checks)
#   2. synthesizes the reference platform into dist/ (and, when scripts/synth-templates.ts
#      exists, every template's output into .scan/templates/<template>/);
#   3. runs scripts/scan.ts: each scanner on each of those outputs, judged against
#      lib/policy/scanner-map.ts (our exceptions become each scanner's skip annotations
#      when the YAML is written; checks that do not apply are listed there with the reason);
#   4. runs scripts/scan-mappings.ts: proves each mapping of that file, and each object skip,
#      against the real tools: a violating object each scanner must report, and the same object
#      with the skip annotations our writer puts there, which it must not (seconds: each
#      scanner runs once on .scan/mappings/<scanner>/). Fails listing each mapping that does not hold.
#
# All five are required: a scanner that cannot be installed fails the scan, naming what is
# missing. kube-linter and Polaris cannot come from the Go module proxy (it refuses
# golang.stackrox.io/kube-linter, and Polaris' go.mod lacks the major-version suffix its tags
# need), so they are built from `git archive` snapshots of their release tags kept in
# ../shared/peer-src (its README.md says where each comes from). Each tarball's sha256 is
# checked against the one pinned below before anything is unpacked; their dependencies come
# from the Go module proxy. A stamp file beside each binary records the version and tarball
# sha256 it was built from, so each build (1 to 2.5 minutes on 2 cores, cold) runs once.
#
# Usage: bash scripts/scan.sh [--no-synth]      (from anywhere; paths are relative to the repo)
set -euo pipefail

CHECKOV_VERSION=3.3.30       # newest on PyPI when pinned
KUBE_SCORE_VERSION=v1.20.0   # newest the Go module proxy lists (go list -m -versions github.com/zegl/kube-score)
KUBE_LINTER_VERSION=0.8.3    # ../shared/peer-src/kube-linter-0.8.3.tar.gz (tag v0.8.3)
KUBE_LINTER_SHA256=b8eafe79f6186850e3f9333351810d080ce74e85e91a7b72d4128e0ce6ca9ecb
POLARIS_VERSION=10.2.2       # ../shared/peer-src/polaris-10.2.2.tar.gz (tag v10.2.2)
POLARIS_SHA256=447240a225baf3b4349eceb0da8ea991f3ff5124568dd4435ccc66252b2d01b5
TRIVY_VERSION=v0.74.0        # newest the Go module proxy lists (go list -m -versions github.com/aquasecurity/trivy)

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
venv="$tools/checkov-venv"
logs="$tools/scan-logs"
peer_src="$(dirname "$root")/shared/peer-src"   # ../shared beside the clone, in CI as here
mkdir -p "$bin" "$logs"
cd "$root"

say() { printf 'scan: %s\n' "$*"; }
seconds_since() { echo $(( $(date +%s) - $1 )); }
# has_go NAME: whether Go is there to build NAME (said when it is not).
has_go() { command -v go >/dev/null 2>&1 || { say "$1: Go is not installed, and $1 is built with it" >&2; return 1; }; }

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

# --- kube-score: `go install module/cmd@version` with the version stamped in, checked by running it.
install_kube_score() {
  local expected="version: $KUBE_SCORE_VERSION,"
  if [[ -x "$bin/kube-score" ]] && "$bin/kube-score" version 2>/dev/null | grep -qF -- "$expected"; then
    say "kube-score $KUBE_SCORE_VERSION already in .tools/bin, nothing to do"
    return 0
  fi
  has_go kube-score || return 1
  local start; start=$(date +%s)
  say "building kube-score $KUBE_SCORE_VERSION from the Go module proxy ($(go version | cut -d' ' -f3))"
  # CGO off: a static binary. -trimpath: no local paths in it.
  if GOBIN="$bin" CGO_ENABLED=0 go install -trimpath -ldflags "-X main.version=$KUBE_SCORE_VERSION" \
    "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION" >"$logs/kube-score.log" 2>&1; then
    say "built kube-score in $(seconds_since "$start")s: $("$bin/kube-score" version 2>&1 | head -n1)"
  else
    say "kube-score $KUBE_SCORE_VERSION cannot be built: $(grep -m1 -E 'go: |error' "$logs/kube-score.log" || tail -n1 "$logs/kube-score.log")" >&2
    return 1
  fi
}

# --- Trivy: `go install` from the Go module proxy. Its go.mod asks for Go's encoding/json/v2
# (GOEXPERIMENT=jsonv2), and a module of its own, outside ours, resolves its replace-free graph.
install_trivy() {
  local stamp="$bin/trivy.stamp" want="trivy $TRIVY_VERSION $(go version 2>/dev/null | cut -d' ' -f3)"
  if [[ -x "$bin/trivy" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "trivy $TRIVY_VERSION already in .tools/bin, nothing to do"
    return 0
  fi
  has_go trivy || return 1
  local start work; start=$(date +%s)
  work=$(mktemp -d "$tools/build-trivy.XXXXXX")
  rm -f "$stamp"
  say "building trivy $TRIVY_VERSION from the Go module proxy ($(go version | cut -d' ' -f3))"
  if (cd "$work" && go mod init trivy-build >/dev/null 2>&1 &&
    GOEXPERIMENT=jsonv2 GOFLAGS=-mod=mod CGO_ENABLED=0 GOBIN="$bin" go install -trimpath \
      -ldflags "-X github.com/aquasecurity/trivy/pkg/version/app.ver=${TRIVY_VERSION#v}" \
      "github.com/aquasecurity/trivy/cmd/trivy@$TRIVY_VERSION") >"$logs/trivy.log" 2>&1; then
    echo "$want" >"$stamp"
    rm -rf "$work"
    say "built trivy in $(seconds_since "$start")s: $("$bin/trivy" --version 2>&1 | head -n1)"
  else
    rm -rf "$work"
    say "trivy $TRIVY_VERSION cannot be built: $(grep -m1 -E 'go: |error' "$logs/trivy.log" || tail -n1 "$logs/trivy.log")" >&2
    return 1
  fi
}

# --- kube-linter, Polaris: `go build` of a release snapshot, once per version and tarball sha256.
# from_source NAME VERSION SHA256 PACKAGE VERSION_LDFLAG
from_source() {
  local name=$1 version=$2 sha=$3 pkg=$4 ldflag=$5
  local tarball="$peer_src/$name-$version.tar.gz" stamp="$bin/$name.stamp"
  local want="$name $version sha256:$sha"
  if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "$name $version already in .tools/bin (built from sha256 ${sha:0:12}…), nothing to do"
    return 0
  fi
  if [[ ! -f "$tarball" ]]; then
    say "$name: its release source $tarball is missing; the scan needs it (see ../shared/peer-src/README.md)" >&2
    return 1
  fi
  local actual; actual=$(sha256sum "$tarball" | cut -d' ' -f1)
  if [[ "$actual" != "$sha" ]]; then
    say "$name: refusing $tarball: its sha256 is $actual, scripts/scan.sh pins $sha" >&2
    return 1
  fi
  has_go "$name" || return 1
  local start work; start=$(date +%s)
  work=$(mktemp -d "$tools/build-$name.XXXXXX")
  say "building $name $version from $tarball ($(go version | cut -d' ' -f3))"
  # The old stamp goes first and the new one is written last: an interrupted build leaves none that matches.
  rm -f "$stamp"
  # CGO off: a static binary. -trimpath: no local paths in it. -mod=readonly: go.sum as released.
  if tar xzf "$tarball" -C "$work" &&
    (cd "$work/$name-$version" && CGO_ENABLED=0 go build -mod=readonly -trimpath \
      -ldflags "-X $ldflag=$version" -o "$work/$name" "$pkg") >"$logs/$name.log" 2>&1; then
    mv "$work/$name" "$bin/$name"
    echo "$want" >"$stamp"
    rm -rf "$work"
    say "built $name in $(seconds_since "$start")s: $("$bin/$name" version 2>&1 | head -n1)"
  else
    rm -rf "$work"
    say "$name $version cannot be built: $(grep -m1 -E 'go: |error' "$logs/$name.log" || tail -n1 "$logs/$name.log")" >&2
    return 1
  fi
}

total_start=$(date +%s)
install_checkov >"$logs/checkov.log" 2>&1 &
checkov_pid=$!

required() {
  say "$1 is required: the scan cannot run without it" >&2
  kill "$checkov_pid" 2>/dev/null || true
  exit 1
}
install_kube_score || required kube-score
from_source kube-linter "$KUBE_LINTER_VERSION" "$KUBE_LINTER_SHA256" ./cmd/kube-linter golang.stackrox.io/kube-linter/internal/version.version \
  || required kube-linter
from_source polaris "$POLARIS_VERSION" "$POLARIS_SHA256" . main.Version || required polaris
install_trivy || required trivy

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

export SCAN_CHECKOV="$venv/bin/checkov" SCAN_KUBE_SCORE="$bin/kube-score" SCAN_KUBE_LINTER="$bin/kube-linter" SCAN_POLARIS="$bin/polaris" SCAN_TRIVY="$bin/trivy"
export SCAN_VERSIONS="checkov=$CHECKOV_VERSION kube-score=$KUBE_SCORE_VERSION kube-linter=$KUBE_LINTER_VERSION polaris=$POLARIS_VERSION trivy=$TRIVY_VERSION"
status=0
node --import tsx scripts/scan.ts dist .scan/templates || status=1
node --import tsx scripts/scan-mappings.ts .scan/mappings || status=1
exit "$status"
