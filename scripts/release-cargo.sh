#!/usr/bin/env bash
# GoReleaser's Rust builder runs `<tool> <command> --target=<triple> <flags>`
# and then copies target/<triple>/release/<binary>. This wrapper runs cargo
# with those arguments and gives the built binary the Registry's versioned
# name, terraform-provider-genesyscloud_v<version>[.exe].
set -euo pipefail
cargo "$@"
target=""
for arg in "$@"; do
  case "$arg" in
    --target=*) target="${arg#--target=}" ;;
  esac
done
prev=""
for arg in "$@"; do
  if [ "$prev" = "--target" ]; then target="$arg"; fi
  prev="$arg"
done
: "${PROVIDER_VERSION:?PROVIDER_VERSION must be set (GoReleaser sets it from the tag)}"
if [ -n "$target" ]; then
  # cargo-zigbuild accepts a glibc suffix (x86_64-unknown-linux-gnu.2.17) but
  # builds into the plain triple's directory.
  dir="target/${target%%.*}/release"
else
  dir="target/release"
fi
ext=""
case "$target" in *windows*) ext=".exe" ;; esac
cp "$dir/terraform-provider-genesyscloud$ext" "$dir/terraform-provider-genesyscloud_v${PROVIDER_VERSION}$ext"
