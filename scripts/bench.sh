#!/usr/bin/env bash
# The side-by-side benchmark (docs/guides/performance.md), in one run, on
# 127.0.0.1 only: the Genesys Cloud emulator with LATENCY_MS added to every
# call, an OpenBao dev server behind a proxy that delays every request by
# VAULT_LATENCY_MS and counts them (scripts/bench/vault_proxy.py), and three
# configurations of N items each, applied and then planned again with no
# change, at -parallelism=10:
#
#   ours   N genesyscloud_oauth_client a + N genesyscloud_oauth_client_vault_secret b
#          (b[i].client_id = a[i].client_id), the release build installed from a mirror
#   bound  N terraform_data a + N terraform_data b (b[i] = a[i].output): Terraform's own
#          time for the same graph, plus the round trips the work needs, run 10 at a time:
#          Genesys: apply 3 per item (client POST, regenerate, verify), plan 1
#          (client GET); Vault: apply 2 per item (the entry read, the write), plan 1 (the read)
#          bound = terraform_data wall time
#                  + (Genesys trips × LATENCY_MS + Vault trips × VAULT_LATENCY_MS) ÷ 10
#   ephemeral  N ephemeral genesyscloud_oauth_client_credentials opened in one plan, reading the
#          entries ours wrote (verify on): Vault requests and token exchanges per open
#   seed   the seed recipe: our client a + N terraform_data b whose local-exec runs a
#          Python script (requests + hvac, in a virtualenv of its own) that gets a token,
#          regenerates the secret and writes it to Vault
#
#   floor  the same configuration as ours served by tools/floor-provider (our schemas, made
#          from the same tables, and no request at all): Terraform core's time for these 2N
#          plugin-served instances; plugin floor = its wall time + the round trips ÷ 10, as
#          in the bound
#
# It prints wall times, Genesys API calls and token exchanges (counted by the
# emulator), Vault requests (counted by the proxy), the provider's peak RSS and CPU (each plugin process runs under
# /usr/bin/time through a wrapper packaged as the provider), and the ratios.
#
# Usage: scripts/bench.sh [N [LATENCY_MS [VAULT_LATENCY_MS]]]   (default 200 20 20)
#        scripts/bench.sh --terraform-core M [M…]
#   --terraform-core  Terraform core alone: M terraform_data a/b pairs, once as count
#                     with b[i] = a[count.index] and once as a module per pair (as
#                     examples/modules does); apply and plan wall times, terraform's peak RSS
# Environment:
#   BENCH_PARALLELISM  terraform -parallelism (default 10)
#   BENCH_PROVIDER     provider binary to use instead of building a release one
#   BENCH_EMULATOR     genesys-emulator binary to use instead of building a release one
#   BENCH_FLOOR        floor-provider binary to use instead of building a release one
#   BENCH_SEED=0       leave the seed recipe out (it is the slow one)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
parallelism=${BENCH_PARALLELISM:-10}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
scripts/setup.sh
if [ ! -x /usr/bin/time ]; then
  echo "bench: installing GNU time" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
terraform=terraform
[ -x /usr/local/bin/terraform ] && terraform=/usr/local/bin/terraform

work=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# No CLI configuration but ours (written below; empty for --terraform-core).
: >"$work/terraform.tfrc"
export TF_CLI_CONFIG_FILE=$work/terraform.tfrc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
unset TF_LOG TF_LOG_PATH

# Runs terraform in directory $1 under GNU time; appends "LABEL WALL_S RSS_KB" to results.
tf_timed() {
  local label=$1 dir=$2; shift 2
  (cd "$dir" && /usr/bin/time -o "$work/time.out" -f '%e %M' "$terraform" "$@" -no-color \
    >"$work/$label.log" 2>&1) || { echo "bench: terraform $* failed ($label):" >&2; tail -n 30 "$work/$label.log" >&2; exit 1; }
  echo "$label $(cat "$work/time.out")" >>"$work/results"
}
# A no-change plan: exit code 0 of -detailed-exitcode, or the benchmark is void.
tf_plan_timed() {
  local label=$1 dir=$2
  tf_timed "$label" "$dir" plan -detailed-exitcode -parallelism="$parallelism"
}

# pairs DIR M KIND: writes M terraform_data pairs, as count ("count") or a module per pair ("module").
pairs() {
  local dir=$1 m=$2 kind=$3
  mkdir -p "$dir"
  if [ "$kind" = count ]; then
    cat >"$dir/main.tf" <<TF
resource "terraform_data" "a" {
  count = $m
  input = "a\${count.index}"
}
resource "terraform_data" "b" {
  count = $m
  input = terraform_data.a[count.index].output
}
TF
  else
    mkdir -p "$dir/pair"
    cat >"$dir/pair/main.tf" <<'TF'
variable "name" { type = string }
resource "terraform_data" "a" { input = var.name }
resource "terraform_data" "b" { input = terraform_data.a.output }
TF
    cat >"$dir/main.tf" <<TF
module "pair" {
  source   = "./pair"
  for_each = toset([for i in range($m) : "p\${i}"])
  name     = each.key
}
TF
  fi
  (cd "$dir" && "$terraform" init -no-color >/dev/null)
}

if [ "${1:-}" = "--terraform-core" ]; then
  shift
  [ $# -gt 0 ] || { echo "usage: scripts/bench.sh --terraform-core M [M…]" >&2; exit 2; }
  printf '%-8s %-7s %9s %9s %14s\n' M shape apply plan "terraform RSS"
  for m in "$@"; do
    for kind in count module; do
      pairs "$work/$kind$m" "$m" "$kind"
      tf_timed "apply" "$work/$kind$m" apply -auto-approve -parallelism="$parallelism"
      tf_plan_timed "plan" "$work/$kind$m"
      read -r _ apply_s apply_kb < <(grep '^apply ' "$work/results" | tail -n1)
      read -r _ plan_s plan_kb < <(grep '^plan ' "$work/results" | tail -n1)
      peak=$(( (apply_kb > plan_kb ? apply_kb : plan_kb) / 1024 ))
      printf '%-8s %-7s %8ss %8ss %11s MB\n' "$m" "$kind" "$apply_s" "$plan_s" "$peak"
      rm -rf "${work:?}/$kind$m"
    done
  done
  exit 0
fi

n=${1:-200}
latency=${2:-20}
vault_latency=${3:-20}
case "$n$latency$vault_latency" in *[!0-9]*) echo "usage: scripts/bench.sh [N [LATENCY_MS [VAULT_LATENCY_MS]]]" >&2; exit 2 ;; esac
[ "$n" -gt 0 ] || { echo "bench: N must be at least 1" >&2; exit 2; }

provider=${BENCH_PROVIDER:-}
emulator=${BENCH_EMULATOR:-}
floor=${BENCH_FLOOR:-}
if [ -z "$provider" ] || [ -z "$emulator" ] || [ -z "$floor" ]; then
  echo "==> building the provider and the emulator (release)" >&2
  cargo build --release --locked -q --bin terraform-provider-genesyscloud -p terraform-provider-genesyscloud
  cargo build --release --locked -q -p genesys-emulator
  cargo build --release --locked -q -p floor-provider
  target_dir=$(cargo metadata --locked --no-deps --format-version 1 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  provider=${provider:-$target_dir/release/terraform-provider-genesyscloud}
  emulator=${emulator:-$target_dir/release/genesys-emulator}
  floor=${floor:-$target_dir/release/floor-provider}
fi

admin_id=bench-admin
admin_secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
"$emulator" --listen 127.0.0.1:0 --admin-client-id "$admin_id" --admin-client-secret "$admin_secret" \
  --port-file "$work/emulator.url" >/dev/null 2>"$work/emulator.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/emulator.url" ] && break; sleep 0.1; done
[ -s "$work/emulator.url" ] || { echo "bench: the emulator did not start" >&2; cat "$work/emulator.log" >&2; exit 1; }
base_url=$(cat "$work/emulator.url")
python3 - "$base_url" "$latency" <<'PY'
import json, sys, urllib.request
base, millis = sys.argv[1], int(sys.argv[2])
rule = json.dumps({"kind": "Latency", "millis": millis}).encode()
urllib.request.urlopen(urllib.request.Request(base + "/__emulator/faults", rule, {"Content-Type": "application/json"}))
PY

vault_token=$(python3 -c 'import secrets; print("bench-" + secrets.token_hex(12))')
vault_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bao server -dev -dev-no-store-token -dev-root-token-id="$vault_token" \
  -dev-listen-address="127.0.0.1:$vault_port" >"$work/bao.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1])" "http://127.0.0.1:$vault_port/v1/sys/health" 2>/dev/null && break
  sleep 0.2
done
# Everything reaches Vault through the delaying proxy, which logs each request.
: >"$work/vault-requests"
python3 "$root/scripts/bench/vault_proxy.py" "$vault_port" "$vault_latency" "$work/vault-requests" \
  "$work/vault-proxy.port" >/dev/null 2>"$work/vault-proxy.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/vault-proxy.port" ] && break; sleep 0.1; done
[ -s "$work/vault-proxy.port" ] || { echo "bench: the Vault proxy did not start" >&2; cat "$work/vault-proxy.log" >&2; exit 1; }
export VAULT_ADDR=http://127.0.0.1:$(cat "$work/vault-proxy.port") VAULT_TOKEN=$vault_token
export GENESYS_BASE_URL=$base_url GENESYSCLOUD_OAUTHCLIENT_ID=$admin_id GENESYSCLOUD_OAUTHCLIENT_SECRET=$admin_secret

# The provider as Terraform installs it, but each plugin process runs under
# GNU time, which appends "peak-RSS-KB user-s system-s" to $BENCH_RUSAGE.
cat >"$work/provider-wrapper" <<SH
#!/bin/sh
exec /usr/bin/time -a -o "\${BENCH_RUSAGE:-/dev/null}" -f '%M %U %S' "$provider" "\$@"
SH
chmod +x "$work/provider-wrapper"
scripts/package.sh --binary "$work/provider-wrapper" --dist "$work/dist" --mirror "$work/mirror" --cli-config "$work/terraform.tfrc" >/dev/null

# clients DIR: the provider block and N OAuth clients.
clients() {
  mkdir -p "$1"
  cat >"$1/clients.tf" <<TF
terraform {
  required_providers {
    genesyscloud = { source = "genesys-vault/genesyscloud" }
  }
}
provider "genesyscloud" {
  vault {}
}
resource "genesyscloud_oauth_client" "a" {
  count                 = $n
  name                  = "bench-$(basename "$1")-\${count.index}"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {
    role_id     = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11"
    division_id = "*"
  }
}
TF
}

# counts LABEL: appends "LABEL API_CALLS TOKEN_EXCHANGES VAULT_REQUESTS" (totals so far) to results.
counts() {
  python3 - "$base_url" "$1" "$work/vault-requests" >>"$work/results" <<'PY'
import json, sys, urllib.request
base, label, vault_log = sys.argv[1:4]
requests = json.load(urllib.request.urlopen(base + "/__emulator/state"))["requests"]
api = sum(c for k, c in requests.items() if k.split(" ", 1)[1].startswith("/api/"))
tokens = sum(c for k, c in requests.items() if k.split(" ", 1)[1].startswith("/oauth/token"))
print(label, api, tokens, sum(1 for _ in open(vault_log)))
PY
}

# rusage LABEL: appends "LABEL PEAK_RSS_KB CPU_S PROCESSES" of the plugin processes to results.
rusage() {
  python3 - "$work/rusage" "$1" >>"$work/results" <<'PY'
import sys
path, label = sys.argv[1:3]
rows = [l.split() for l in open(path) if len(l.split()) == 3 and l.split()[0].isdigit()]
print(label, max((int(r[0]) for r in rows), default=0), sum(float(r[1]) + float(r[2]) for r in rows), len(rows))
PY
  : >"$work/rusage"
}
export BENCH_RUSAGE=$work/rusage

echo "==> ours: $n clients + $n sinks, ${latency} ms per Genesys call, ${vault_latency} ms per Vault call, -parallelism=$parallelism" >&2
clients "$work/ours"
cat >"$work/ours/sinks.tf" <<TF
resource "genesyscloud_oauth_client_vault_secret" "b" {
  count     = $n
  client_id = genesyscloud_oauth_client.a[count.index].client_id
  mount     = "secret"
  path      = "bench/ours/\${count.index}"
}
TF
(cd "$work/ours" && "$terraform" init -no-color >/dev/null)
: >"$work/rusage"
counts ours-start
tf_timed ours-apply "$work/ours" apply -auto-approve -parallelism="$parallelism"
rusage ours-apply-rusage
counts ours-applied
tf_plan_timed ours-plan "$work/ours"
rusage ours-plan-rusage
counts ours-planned

echo "==> ephemeral: $n genesyscloud_oauth_client_credentials (verify on) opened in one plan, reading the sinks' entries" >&2
mkdir -p "$work/ephemeral"
cat >"$work/ephemeral/main.tf" <<TF
terraform {
  required_providers {
    genesyscloud = { source = "genesys-vault/genesyscloud" }
  }
}
provider "genesyscloud" {
  vault {}
}
ephemeral "genesyscloud_oauth_client_credentials" "c" {
  count = $n
  mount = "secret"
  path  = "bench/ours/\${count.index}"
}
TF
(cd "$work/ephemeral" && "$terraform" init -no-color >/dev/null)
counts ephemeral-start
tf_timed ephemeral-plan "$work/ephemeral" plan -parallelism="$parallelism"
: >"$work/rusage"
counts ephemeral-planned

echo "==> floor: the same configuration, served by a provider with our schemas that sends nothing" >&2
scripts/package.sh --binary "$floor" --dist "$work/floor-dist" --mirror "$work/floor-mirror" --cli-config "$work/floor.tfrc" >/dev/null
clients "$work/floor"
cp "$work/ours/sinks.tf" "$work/floor/sinks.tf"
(export TF_CLI_CONFIG_FILE=$work/floor.tfrc; cd "$work/floor" && "$terraform" init -no-color >/dev/null)
counts floor-start
TF_CLI_CONFIG_FILE=$work/floor.tfrc tf_timed floor-apply "$work/floor" apply -auto-approve -parallelism="$parallelism"
TF_CLI_CONFIG_FILE=$work/floor.tfrc tf_plan_timed floor-plan "$work/floor"
counts floor-done

echo "==> bound: $n terraform_data a + $n terraform_data b" >&2
pairs "$work/bound" "$n" count
tf_timed bound-apply "$work/bound" apply -auto-approve -parallelism="$parallelism"
tf_plan_timed bound-plan "$work/bound"

if [ "${BENCH_SEED:-1}" != 0 ]; then
  echo "==> seed recipe: $n clients + $n terraform_data local-exec (Python, requests + hvac)" >&2
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q --disable-pip-version-check requests hvac
  cat >"$work/seed_secret.py" <<'PY'
"""The seed recipe's script, regenerate variant: one token, one new secret, one Vault write."""
import os
import hvac
import requests

base = os.environ["GENESYS_BASE_URL"]
client_id = os.environ["CLIENT_ID"]
token = requests.post(
    f"{base}/oauth/token",
    auth=(os.environ["GENESYSCLOUD_OAUTHCLIENT_ID"], os.environ["GENESYSCLOUD_OAUTHCLIENT_SECRET"]),
    data={"grant_type": "client_credentials"},
    timeout=30,
)
token.raise_for_status()
answer = requests.post(
    f"{base}/api/v2/oauth/clients/{client_id}/secret",
    headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    timeout=30,
)
answer.raise_for_status()
vault = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"])
vault.secrets.kv.v2.create_or_update_secret(
    path=os.environ["VAULT_PATH"],
    mount_point="secret",
    secret={"client_id": client_id, "client_secret": answer.json()["secret"]},
)
PY
  clients "$work/seed"
  cat >"$work/seed/seed.tf" <<TF
resource "terraform_data" "b" {
  count            = $n
  triggers_replace = genesyscloud_oauth_client.a[count.index].client_id
  provisioner "local-exec" {
    command = "$work/venv/bin/python $work/seed_secret.py"
    environment = {
      CLIENT_ID  = genesyscloud_oauth_client.a[count.index].client_id
      VAULT_PATH = "bench/seed/\${count.index}"
    }
  }
}
TF
  (cd "$work/seed" && "$terraform" init -no-color >/dev/null)
  counts seed-start
  tf_timed seed-apply "$work/seed" apply -auto-approve -parallelism="$parallelism"
  counts seed-applied
  tf_plan_timed seed-plan "$work/seed"
  : >"$work/rusage"
fi

python3 - "$work/results" "$n" "$latency" "$parallelism" "$vault_latency" "$work/vault-requests" <<'PY'
import re, sys
from collections import Counter
path, n, latency, par, vlatency = sys.argv[1], *map(int, sys.argv[2:6])
# Each client's claim is a path of its own: counted together, under one name.
vault_log = [re.sub(r"(/genesyscloud-claims/oauth-clients/)\S+", r"\1<client id>", l)
             for l in open(sys.argv[6]).read().splitlines()]
r = {}
for line in open(path):
    label, *values = line.split()
    r[label] = [float(v) for v in values]
def calls(a, b):
    return tuple(int(r[b][i] - r[a][i]) for i in range(3))
trips = {"apply": 3 * n, "plan": n}
vtrips = {"apply": 2 * n, "plan": n}
bound = {p: r[f"bound-{p}"][0] + (trips[p] * latency + vtrips[p] * vlatency) / 1000 / par for p in trips}
print(f"bench: N={n} clients + {n} sinks, {latency} ms per Genesys call, {vlatency} ms per Vault call, -parallelism={par}")
print(f"bound = terraform_data wall time + (Genesys round trips x {latency} ms + Vault round trips x {vlatency} ms) / {par}; "
      f"Genesys: apply {trips['apply']} (client POST, regenerate, verify), plan {trips['plan']} (client GET); "
      f"Vault: apply {vtrips['apply']} (entry read, write), plan {vtrips['plan']} (entry read)")
print(f"{'':24}{'apply':>10}{'plan':>10}")
print(f"{'terraform_data':24}{r['bound-apply'][0]:>9.2f}s{r['bound-plan'][0]:>9.2f}s")
print(f"{'bound':24}{bound['apply']:>9.2f}s{bound['plan']:>9.2f}s")
print(f"{'ours':24}{r['ours-apply'][0]:>9.2f}s{r['ours-plan'][0]:>9.2f}s")
seed = "seed-apply" in r
if seed:
    print(f"{'seed recipe':24}{r['seed-apply'][0]:>9.2f}s{r['seed-plan'][0]:>9.2f}s")
print(f"{'ours / bound':24}{r['ours-apply'][0] / bound['apply']:>9.2f}x{r['ours-plan'][0] / bound['plan']:>9.2f}x"
      "   (targets: apply <= 1.25x, plan <= 1.25x)")
if seed:
    print(f"{'seed recipe / ours':24}{r['seed-apply'][0] / r['ours-apply'][0]:>9.2f}x{r['seed-plan'][0] / r['ours-plan'][0]:>9.2f}x"
          "   (targets: apply >= 5x, plan > 1x)")
# Terraform core's time for the same plugin-served instances (the floor
# provider sends nothing: the counts say so), plus the round trips, as in the bound.
sent = sum(calls("floor-start", "floor-done"))
floor = {p: r[f"floor-{p}"][0] + (trips[p] * latency + vtrips[p] * vlatency) / 1000 / par for p in trips}
print(f"{'floor provider':24}{r['floor-apply'][0]:>9.2f}s{r['floor-plan'][0]:>9.2f}s   (our schemas, {sent} requests)")
print(f"{'plugin floor':24}{floor['apply']:>9.2f}s{floor['plan']:>9.2f}s   (floor provider + the round trips / {par})")
print(f"{'ours / floor provider':24}{r['ours-apply'][0] / r['floor-apply'][0]:>9.2f}x{r['ours-plan'][0] / r['floor-plan'][0]:>9.2f}x"
      "   (what our requests and our own work add to Terraform core's time)")
print(f"{'ours / plugin floor':24}{r['ours-apply'][0] / floor['apply']:>9.2f}x{r['ours-plan'][0] / floor['plan']:>9.2f}x"
      "   (under 1 when the round trips overlap Terraform core's work)")
for who, phases in [("ours", [("apply", "start", "applied"), ("plan", "applied", "planned")])] + (
        [("seed recipe", [("apply", "seed-start", "seed-applied")])] if seed else []):
    for phase, a, b in phases:
        a = a if a.startswith("seed") else f"ours-{a}"
        b = b if b.startswith("seed") else f"ours-{b}"
        api, tokens, vault = calls(a, b)
        print(f"{who + ' ' + phase + ':':24}{api} Genesys API calls, {tokens} token exchanges, "
              f"{vault} Vault requests ({vault / n:.2f} per sink)")
# Where our Vault requests went: the sinks' entries, and what each provider
# process asks besides (token, mounts, capabilities).
for phase, a, b in [("apply", "start", "applied"), ("plan", "applied", "planned")]:
    lines = vault_log[int(r[f"ours-{a}"][2]):int(r[f"ours-{b}"][2])]
    entries = sum(1 for l in lines if "/bench/ours/" in l)
    besides = Counter(l for l in lines if "/bench/ours/" not in l)
    listed = ", ".join(f"{c} {k}" for k, c in sorted(besides.items()))
    print(f"{'ours ' + phase + ', Vault:':24}{entries} on the sinks' entries, {sum(besides.values())} besides ({listed})")
# The ephemeral credentials: what one open costs (one entry read, one token
# exchange for the verify), and what each provider process asks once.
lines = vault_log[int(r["ephemeral-start"][2]):int(r["ephemeral-planned"][2])]
entries = sum(1 for l in lines if "/bench/ours/" in l)
besides = Counter(l for l in lines if "/bench/ours/" not in l)
listed = ", ".join(f"{c} {k}" for k, c in sorted(besides.items()))
api, tokens, _ = calls("ephemeral-start", "ephemeral-planned")
print(f"{'ephemeral, ' + str(n) + ' opens:':24}{r['ephemeral-plan'][0]:.2f}s; Vault {entries} on the entries "
      f"({entries / n:.2f} per open), {sum(besides.values())} besides ({listed}); "
      f"{tokens} token exchanges ({tokens / n:.2f} per open), {api} Genesys API calls")
for phase in ("apply", "plan"):
    rss_kb, cpu, procs = r[f"ours-{phase}-rusage"]
    wall = r[f"ours-{phase}"][0]
    print(f"{'provider, ' + phase + ':':24}peak RSS {rss_kb / 1024:.1f} MB, CPU {cpu:.2f} s = "
          f"{100 * cpu / wall:.1f}% of the wall time ({int(procs)} plugin processes)")
for who in ("ours", "bound") + (("seed",) if seed else ()):
    print(f"{'terraform, ' + who + ':':24}peak RSS {max(r[f'{who}-apply'][1], r[f'{who}-plan'][1]) / 1024:.0f} MB")
PY
