#!/usr/bin/env bash
# Builds the older release the downgrade round trip test goes back to
# (tests/e2e/downgrade.rs): commit 2bc4506, the last one before
# standby_client_id and integration_credential_name, taken from this
# repository's history with `git archive` and built with its own Cargo.lock
# under target/old-release. Kept between runs; prints the binary's path.
# scripts/test.sh runs it before the tests, so the build does not compete
# with them for the machine; the test runs it itself when run alone.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=2bc4506
root="$PWD/target/old-release"
binary="$root/target/debug/terraform-provider-genesyscloud"
if [ ! -x "$binary" ]; then
  if ! git cat-file -e "$commit^{commit}" 2>/dev/null; then
    echo "old-release: commit $commit is not in this clone's history (a shallow clone?); fetch the full history (git fetch --unshallow)" >&2
    exit 1
  fi
  rm -rf "$root/src"
  mkdir -p "$root/src"
  git archive "$commit" | tar -x -C "$root/src"
  echo "old-release: building $commit (its own Cargo.lock) into target/old-release" >&2
  (cd "$root/src" && cargo build --locked --quiet --bin terraform-provider-genesyscloud --target-dir "$root/target") >&2
fi
echo "$binary"
