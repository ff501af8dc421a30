#!/usr/bin/env bash
# The whole test suite: formatting, lints, the API docs' links, unit tests and the end-to-end tests
# (real Terraform CLI, the Genesys Cloud emulator, OpenBao), which include
# `terraform test` in each module of examples/modules (tests/e2e/modules.rs).
# CI (.github/workflows/ci.yml, through .ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The shape: no function of 80 lines or more, no production file over 700.
python3 scripts/shape.py
# The API docs build without a broken or private link.
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
# The older release the downgrade test goes back to, built before the tests
# so its build does not compete with them.
scripts/old-release.sh >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --all-targets: unit, integration and e2e tests (the crates have no doc tests).
cargo test --workspace --all-targets --locked 2>&1 | tee "$log"
# One closing line with the totals of every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
