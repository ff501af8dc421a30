#!/usr/bin/env bash
# Packs a built provider binary the way the Terraform Registry ships it, into
# a filesystem mirror that `terraform init` installs from:
#   <mirror>/registry.terraform.io/<namespace>/genesyscloud/
#       terraform-provider-genesyscloud_<version>_linux_amd64.zip
#         └─ terraform-provider-genesyscloud_v<version>   (mode 0755)
# Usage: scripts/package.sh BINARY MIRROR_DIR [NAMESPACE]
set -euo pipefail
binary=$1 mirror=$2 namespace=${3:-genesys-vault}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$(dirname "$0")/../Cargo.toml" | head -n1)
dir="$mirror/registry.terraform.io/$namespace/genesyscloud"
mkdir -p "$dir"
python3 - "$binary" "$dir/terraform-provider-genesyscloud_${version}_linux_amd64.zip" "terraform-provider-genesyscloud_v${version}" <<'PY'
import sys, zipfile
src, dst, name = sys.argv[1:4]
info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
info.external_attr = (0o100755 << 16)
info.compress_type = zipfile.ZIP_DEFLATED
with open(src, "rb") as f, zipfile.ZipFile(dst, "w") as z:
    z.writestr(info, f.read())
PY
echo "$version"
