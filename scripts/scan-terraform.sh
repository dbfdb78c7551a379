#!/usr/bin/env bash
# Checkov's Terraform checks on the cloud clusters (issue 10): synthesizes apps/cluster.ts to
# Terraform JSON in dist-cluster/ (offline) and fails on any Checkov failure that
# scripts/checkov-terraform-exceptions.tsv does not accept, scoped to its resource, with a reason.
#
# Checkov is the pinned one of scripts/scan.sh, in the same virtual environment
# (.tools/checkov-venv); it is installed from PyPI when missing.
#
# Usage: bash scripts/scan-terraform.sh      (from anywhere)
set -euo pipefail

CHECKOV_VERSION=3.3.30   # the same pin as scripts/scan.sh

cd "$(dirname "$0")/.."
venv=.tools/checkov-venv
if [[ ! -x "$venv/bin/checkov" || "$("$venv/bin/checkov" --version 2>/dev/null)" != "$CHECKOV_VERSION" ]]; then
  echo "scan-terraform: installing checkov $CHECKOV_VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

rm -rf dist-cluster
npm run --silent synth:cluster

# --skip-download: offline (no Prisma Cloud guidelines); --soft-fail: the exceptions file judges.
"$venv/bin/checkov" --directory dist-cluster/stacks --framework terraform_json --skip-download --quiet --soft-fail \
  --output json > dist-cluster/checkov.json
"$venv/bin/python" scripts/checkov-exceptions.py dist-cluster/checkov.json scripts/checkov-terraform-exceptions.tsv
