#!/usr/bin/env bash
# Builds the linux_amd64 release assets exactly as GoReleaser names them
# (see .goreleaser.yml; tests/e2e/packaging.rs checks the two agree):
#   DIST/terraform-provider-genesyscloud_<ver>_linux_amd64.zip
#          └─ terraform-provider-genesyscloud_v<ver>   (mode 0755)
#   DIST/terraform-provider-genesyscloud_<ver>_manifest.json
#   DIST/terraform-provider-genesyscloud_<ver>_SHA256SUMS   (zip + manifest)
#   DIST/terraform-provider-genesyscloud_<ver>_SHA256SUMS.sig  (only with GPG_FINGERPRINT)
# and, with --mirror, a filesystem mirror `terraform init` installs from:
#   MIRROR/registry.terraform.io/<namespace>/genesyscloud/<the zip>
# and, with --cli-config too, the Terraform CLI configuration that installs
# this provider from that mirror (and everything else from the Registry).
#
# Usage: scripts/package.sh [--binary FILE] [--dist DIR] [--mirror DIR] [--namespace NS] [--cli-config FILE]
#   --binary      package this binary instead of building a release one
#   --dist        output directory (default: dist)
#   --mirror      also lay the zip out as a filesystem mirror there
#   --namespace   Registry namespace in the mirror (default: genesys-vault)
#   --cli-config  with --mirror: write a CLI configuration (TF_CLI_CONFIG_FILE) for it
# Prints the version. Here the binary is the host's (x86_64 glibc); the
# release workflow builds static musl ones with cargo-zigbuild.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary="" dist="$root/dist" mirror="" namespace="genesys-vault" cli_config=""
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --dist) dist=$2; shift 2 ;;
    --mirror) mirror=$2; shift 2 ;;
    --namespace) namespace=$2; shift 2 ;;
    --cli-config) cli_config=$2; shift 2 ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
project=terraform-provider-genesyscloud
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)
if [ -z "$binary" ]; then
  (cd "$root" && PROVIDER_VERSION="$version" cargo build --release --locked --bin "$project" >&2)
  binary="$root/target/release/$project"
fi
mkdir -p "$dist"
zip_name="${project}_${version}_linux_amd64.zip"
manifest_name="${project}_${version}_manifest.json"
sums_name="${project}_${version}_SHA256SUMS"
python3 - "$binary" "$dist/$zip_name" "${project}_v${version}" <<'PY'
import sys, zipfile
src, dst, name = sys.argv[1:4]
# A fixed timestamp: the same binary always gives the same zip and hash.
info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
info.external_attr = (0o100755 << 16)
info.compress_type = zipfile.ZIP_DEFLATED
with open(src, "rb") as f, zipfile.ZipFile(dst, "w") as z:
    z.writestr(info, f.read())
PY
cp "$root/terraform-registry-manifest.json" "$dist/$manifest_name"
(cd "$dist" && sha256sum "$zip_name" "$manifest_name" | sort -k2 > "$sums_name")
if [ -n "${GPG_FINGERPRINT:-}" ]; then
  gpg --batch --local-user "$GPG_FINGERPRINT" --output "$dist/$sums_name.sig" --detach-sign "$dist/$sums_name"
fi
if [ -n "$mirror" ]; then
  dir="$mirror/registry.terraform.io/$namespace/genesyscloud"
  mkdir -p "$dir"
  cp "$dist/$zip_name" "$dir/"
  if [ -n "$cli_config" ]; then
    source_addr="registry.terraform.io/$namespace/genesyscloud"
    cat >"$cli_config" <<TFRC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["$source_addr"]
  }
  direct {
    exclude = ["$source_addr"]
  }
}
TFRC
  fi
fi
echo "$version"
