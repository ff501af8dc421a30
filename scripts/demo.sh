#!/usr/bin/env bash
# The demo: starts the Genesys Cloud emulator and an OpenBao (Vault) dev
# server, builds the provider, installs it from a local Registry mirror,
# applies examples/demo with the real Terraform CLI, lets a consumer use the
# credentials from Vault, rotates a pair of clients while the consumer holds
# credentials (they keep working), and proves that no secret reached the
# state.
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

vault_token=$(python3 -c 'import secrets; print("demo-" + secrets.token_hex(12))')
vault_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "==> starting OpenBao (Vault) in dev mode"
bao server -dev -dev-no-store-token -dev-root-token-id="$vault_token" -dev-listen-address="127.0.0.1:$vault_port" >"$work/bao.log" 2>&1 &
pids+=($!)
export VAULT_ADDR=http://127.0.0.1:$vault_port VAULT_TOKEN=$vault_token
for _ in $(seq 100); do python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1])" "$VAULT_ADDR/v1/sys/health" 2>/dev/null && break; sleep 0.2; done
echo "    OpenBao at $VAULT_ADDR"

echo "==> installing the provider into a local Registry mirror"
version=$(scripts/package.sh --binary target/release/terraform-provider-genesyscloud --dist "$work/dist" --mirror "$work/mirror" --cli-config "$work/terraform.tfrc")
echo "    release assets: $(cd "$work/dist" && echo *)"
cp -r examples "$work/examples"
export TF_CLI_CONFIG_FILE=$work/terraform.tfrc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export GENESYS_BASE_URL=$base_url GENESYSCLOUD_OAUTHCLIENT_ID=$admin_id GENESYSCLOUD_OAUTHCLIENT_SECRET=$admin_secret

cd "$work/examples/demo"
echo "==> terraform init (provider $version from the mirror)"
terraform init -no-color | grep -E 'Installing|Installed|initialized' || true
echo "==> terraform apply"
terraform apply -no-color -auto-approve
echo "==> terraform plan after apply (must be empty)"
if ! terraform plan -no-color -detailed-exitcode >/dev/null; then echo "    the plan after apply is not empty"; exit 1; fi
echo "    no changes"
# The scheduled drift check (docs/guides/drift-detection.md): exit 0, no drift.
if ! terraform plan -refresh-only -no-color -detailed-exitcode >/dev/null; then echo "    a refresh-only plan reports drift right after apply"; exit 1; fi
echo "    refresh-only plan: no drift"
# A refresh-only apply, then a plan: empty again, checked the way the e2e
# tests check it.
terraform apply -refresh-only -no-color -auto-approve >/dev/null
if ! terraform plan -no-color -detailed-exitcode >/dev/null; then echo "    the plan after a refresh is not empty"; exit 1; fi
echo "    after a refresh-only apply: no changes"

vault_path=$(terraform output -raw vault_path)
echo "==> the secret is in Vault at $vault_path, version $(terraform output -raw vault_version)"
python3 "$root/examples/demo/consumer.py" "$vault_path"

echo "==> rotation without downtime: a consumer caches the credentials, the ci pair rotates"
mkfifo "$work/consumer.go"
python3 "$root/examples/demo/consumer.py" "$vault_path" --hold "$work/consumer.go" >"$work/consumer.out" &
consumer=$!
pids+=("$consumer")
for _ in $(seq 100); do grep -q exchanged "$work/consumer.out" 2>/dev/null && break; sleep 0.1; done
cat "$work/consumer.out"
before=$(terraform output -raw active_client_id)
export TF_VAR_rotation=2
if ! terraform apply -no-color -auto-approve >"$work/rotate.out" 2>&1; then cat "$work/rotate.out"; exit 1; fi
grep -E 'will be updated|Apply complete' "$work/rotate.out"
after=$(terraform output -raw active_client_id)
echo "    active client: $before -> $after (the other client of the pair; $before was left alone)"
[ "$before" != "$after" ]
kill -0 "$consumer" # still waiting with its cached credentials
echo go >"$work/consumer.go"
wait "$consumer"
tail -n +2 "$work/consumer.out"
if ! terraform plan -no-color -detailed-exitcode >/dev/null; then echo "    the plan after the rotation is not empty"; exit 1; fi
echo "    plan after the rotation: no changes"

echo "==> proof: the secret is in Vault and in no Terraform file"
python3 - "$base_url" "$VAULT_ADDR" "$VAULT_TOKEN" "$vault_path" <<'PY'
import glob, json, sys, urllib.request
base, vault, token, path = sys.argv[1:5]
mount, rest = path.split("/", 1)
req = urllib.request.Request(f"{vault}/v1/{mount}/data/{rest}", headers={"X-Vault-Token": token})
in_vault = json.load(urllib.request.urlopen(req))["data"]["data"]["client_secret"]
issued = json.load(urllib.request.urlopen(base + "/__emulator/state"))["issued_secrets"]
files = [f for f in glob.glob("*") + glob.glob(".terraform/**/*", recursive=True) if f.endswith((".tfstate", ".tfstate.backup", ".tf"))]
leaks = [f for f in files for s in issued if s in open(f, errors="ignore").read()]
state = open("terraform.tfstate").read()
print(f"    Vault holds the current secret ({len(in_vault)} characters); it is one Genesys issued: {in_vault in issued}")
print(f"    grep of terraform.tfstate for it: {'FOUND' if in_vault in state else 'not found'}")
print(f"    {len(issued)} secret(s) ever issued, {len(leaks)} occurrence(s) in {len(files)} Terraform file(s)")
sys.exit(1 if leaks or in_vault in state or in_vault not in issued else 0)
PY
echo "    state keeps only: $(python3 -c 'import json; r=[x for x in json.load(open("terraform.tfstate"))["resources"] if x["type"].endswith("vault_secret")][0]["instances"][0]["attributes"]; print("secret_hash =", r["secret_hash"], "vault_version =", r["vault_version"])')"

echo "==> terraform destroy"
terraform destroy -no-color -auto-approve | tail -n 1
