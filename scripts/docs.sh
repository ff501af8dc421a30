#!/usr/bin/env bash
# Regenerates the Registry docs (docs/index.md, docs/resources, docs/data-sources)
# from the provider schema, examples/ and docs/guides, with the renderer in
# tools/docgen. Guides in docs/guides are hand-written.
#
# Usage: scripts/docs.sh [--check]
#   --check  write nothing; list stale, missing and extra pages, fail if any
#
# The provider is built and installed the way the tests do it (see
# tests/e2e/harness.rs): packed by scripts/package.sh into a filesystem
# mirror, `terraform init` from it, then `terraform providers schema -json`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/setup.sh

namespace=genesys-vault
project=terraform-provider-genesyscloud
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "==> building the provider" >&2
cargo build --locked -p "$project" --bin "$project"
target_dir=$(cargo metadata --locked --no-deps --format-version 1 |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
scripts/package.sh --binary "$target_dir/debug/$project" --dist "$work/dist" \
  --mirror "$work/mirror" --namespace "$namespace" --cli-config "$work/terraform.tfrc" >/dev/null

echo "==> reading the provider schema" >&2
mkdir "$work/tf"
cat >"$work/tf/main.tf" <<TF
terraform {
  required_providers {
    genesyscloud = {
      source = "$namespace/genesyscloud"
    }
  }
}
TF
terraform=terraform
[ -x /usr/local/bin/terraform ] && terraform=/usr/local/bin/terraform
(
  cd "$work/tf"
  export TF_CLI_CONFIG_FILE="$work/terraform.tfrc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
  unset TF_LOG TF_LOG_PATH
  "$terraform" init -no-color >/dev/null
  "$terraform" providers schema -json >"$work/schema.json"
)

echo "==> rendering the docs" >&2
cargo run --locked -q -p docgen -- "$@" "$work/schema.json" "$root"
