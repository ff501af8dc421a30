#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit tests and the end-to-end tests
# (real Terraform CLI, the Genesys Cloud emulator, OpenBao).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
