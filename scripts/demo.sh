#!/usr/bin/env bash
# The demo: starts the Genesys Cloud emulator, builds the provider, installs
# it from a local Registry mirror, applies examples/demo with the real
# Terraform CLI, and shows that no client secret reached the state.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/setup.sh

work=$root/.demo
rm -rf "$work"; mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

echo "==> building the provider and the emulator"
cargo build --release --locked --bin terraform-provider-genesyscloud -p terraform-provider-genesyscloud
cargo build --release --locked -p genesys-emulator

admin_id=demo-admin
admin_secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
echo "==> starting the Genesys Cloud emulator"
target/release/genesys-emulator --listen 127.0.0.1:0 --admin-client-id "$admin_id" \
  --admin-client-secret "$admin_secret" --port-file "$work/emulator.url" >"$work/emulator.out" 2>"$work/emulator.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/emulator.url" ] && break; sleep 0.1; done
base_url=$(cat "$work/emulator.url")
echo "    emulator at $base_url"

echo "==> installing the provider into a local Registry mirror"
version=$(scripts/package.sh target/release/terraform-provider-genesyscloud "$work/mirror")
cat >"$work/terraform.tfrc" <<TFRC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/genesys-vault/genesyscloud"]
  }
  direct {
    exclude = ["registry.terraform.io/genesys-vault/genesyscloud"]
  }
}
TFRC
cp -r examples/demo "$work/config"
export TF_CLI_CONFIG_FILE=$work/terraform.tfrc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export GENESYS_BASE_URL=$base_url GENESYSCLOUD_OAUTHCLIENT_ID=$admin_id GENESYSCLOUD_OAUTHCLIENT_SECRET=$admin_secret

cd "$work/config"
echo "==> terraform init (provider $version from the mirror)"
terraform init -no-color | grep -E 'Installing|Installed|initialized' || true
echo "==> terraform apply"
terraform apply -no-color -auto-approve
echo "==> terraform plan after apply (must be empty)"
terraform plan -no-color -detailed-exitcode >/dev/null && echo "    no changes"

echo "==> proof: the emulator issued secrets; none of them is in the state"
python3 - "$base_url" terraform.tfstate <<'PY'
import json, sys, urllib.request
base, state_path = sys.argv[1:3]
state = json.load(urllib.request.urlopen(base + "/__emulator/state"))
secrets = state.get("issued_secrets", [])
text = open(state_path).read()
leaked = [s for s in secrets if s in text]
print(f"    {len(secrets)} secret(s) issued by Genesys Cloud, {len(leaked)} found in terraform.tfstate")
sys.exit(1 if leaked or not secrets else 0)
PY
echo "==> terraform destroy"
terraform destroy -no-color -auto-approve | tail -n 1
