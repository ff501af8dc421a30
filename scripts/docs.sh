#!/usr/bin/env bash
# Regenerates the Registry docs (docs/index.md, docs/resources, docs/data-sources)
# from the provider schema and examples/. Guides in docs/guides are hand-written.
set -euo pipefail
cd "$(dirname "$0")/.."
GENESYSCLOUD_UPDATE_DOCS=1 cargo test --locked --test e2e docs_are_fresh
