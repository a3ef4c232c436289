#!/usr/bin/env bash
# Runs an experiment of `provenance lab` against a registry of its own on this machine: run.sh's PostgreSQL cluster
# (in .data/, installed with apt-get if missing), a fresh database for the lab, a RabbitMQ node (in .data/rabbitmq/)
# so that the lab registers its documents over the message bus as crawlers do, and the API with the RabbitMQ transport.
# Everything listens on 127.0.0.1 only and stops when the lab ends.
#
#   deploy/scripts/lab.sh collapse [options of `provenance lab collapse`]
#
# Without --human, the human rows of ../shared/detector-corpus/train.jsonl are the corpus when that file is there.
# Without --out, collapse.json and collapse.png go to .data/lab/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

experiment=${1:-}
[ "$experiment" = collapse ] || die "usage: deploy/scripts/lab.sh collapse [options]; see 'provenance lab collapse --help'"
shift
command -v dotnet >/dev/null || die "the .NET SDK is required (https://dot.net); install it and run this again"
command -v curl >/dev/null || apt_install curl

args=("$@")
has() { local a; for a in "${args[@]}"; do [ "$a" = "$1" ] && return 0; done; return 1; }
if ! has --human; then
  corpus="$root/../shared/detector-corpus/train.jsonl"
  [ -f "$corpus" ] || die "no --human FILE given and $corpus is not there; pass a JSONL file of human documents"
  args+=(--human "$corpus")
fi
has --out || args+=(--out "$root/.data/lab")

pg_port=${PROVENANCE_PG_PORT:-55433}
data="$root/.data"
mkdir -p "$data"
chmod 755 "$data"
rabbit_port=$(free_port 46772 1000)
api_port=$(free_port 5180)
url="http://127.0.0.1:$api_port"
database=collapse_lab

started_pg=0
api_pid=
cleanup() {
  if [ -n "$api_pid" ]; then kill -TERM "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  rabbit_stop "$data/rabbitmq" "$rabbit_port"
  if [ "$started_pg" = 1 ]; then log "stopping PostgreSQL"; pg_stop "$data/postgres"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pg_checkout_start "$data/postgres" "$pg_port" "$data/postgres.password"
# A fresh database each run: the lab's generators and datasets are named by policy and generation, and its human pool
# must hold exactly the documents of this run's split.
bin=$(pg_bin_dir)
PGPASSWORD=$(cat "$data/postgres.password") "$bin/dropdb" -h 127.0.0.1 -p "$pg_port" -U provenance --if-exists "$database"
pg_ensure_database "$pg_port" "$data/postgres.password" "$database"

# The node's settings are written on its first start; a port taken since then means a fresh node folder.
rm -rf "$data/rabbitmq"
rabbit_start "$data/rabbitmq" "$rabbit_port"
broker="amqp://guest:guest@127.0.0.1:$rabbit_port/"

key=$(openssl rand -hex 24 2>/dev/null || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
key="pvk_lab_$key"

log "building the API and the command line"
dotnet build "$root/src/Provenance.Api" -c Release -nologo -v quiet >/dev/null
dotnet build "$root/src/Provenance.Cli" -c Release -nologo -v quiet >/dev/null

log "starting the API on $url with the RabbitMQ transport"
ConnectionStrings__Registry=$(pg_connection "$pg_port" "$data/postgres.password" "$database") \
ConnectionStrings__Broker="$broker" \
Database__MigrateOnStartup=true \
Detection__RequestClassification=false \
PROVENANCE_ADMIN_KEY="$key" \
  dotnet "$root/src/Provenance.Api/bin/Release/net10.0/Provenance.Api.dll" --contentRoot "$root/src/Provenance.Api" --urls "$url" \
  > "$data/lab-api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { tail -n 30 "$data/lab-api.log" >&2; die "the API stopped (log: .data/lab-api.log)"; }
  sleep 1
done
curl -fsS "$url/health/ready" >/dev/null || die "the API did not become ready (log: .data/lab-api.log)"

log "running: provenance lab collapse ${args[*]}"
start=$(date +%s)
dotnet "$root/src/Provenance.Cli/bin/Release/net10.0/provenance.dll" lab collapse --url "$url" --api-key "$key" --broker "$broker" "${args[@]}"
log "the lab took $(( $(date +%s) - start )) s"
