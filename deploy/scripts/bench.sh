#!/usr/bin/env bash
# Runs a benchmark against real servers and prints its figures:
#   deploy/scripts/bench.sh registry [options]   batch registration throughput, ancestor-query latency on a 1M-doc DAG
#   deploy/scripts/bench.sh ingest [options]     1M documents end to end through RabbitMQ vs. a raw binary COPY
#   deploy/scripts/bench.sh detector [options]   detector throughput on ~1 KB documents (no servers needed)
#   deploy/scripts/bench.sh tokens [options]     token counting on prose vs. the library, and on single long runs (no servers)
#   deploy/scripts/bench.sh datasets [options]   a 1M-document mix from a 10M-document registry vs. ORDER BY random(); export MB/s
#   deploy/scripts/bench.sh scale [options]      100M documents (30% with lineage) seeded by COPY: registration at 0, 50M and
#                                                100M, ancestors p50/p99, a 10M mix vs. ORDER BY random(), disk per document;
#                                                --partitions 16 for the partitioned mode, --documents 1000000 for a short run.
#                                                It states the disk it needs first and refuses (exit 2) when it is not free;
#                                                TMPDIR picks the filesystem.
#   deploy/scripts/bench.sh console              the console's lineage explorer drawing 2,000 nodes in headless chromium
# It starts a throwaway PostgreSQL (durable settings, as in production, with a larger buffer cache), RabbitMQ and the
# API (consuming from RabbitMQ) in Release mode on 127.0.0.1, passes the remaining arguments to src/Provenance.Bench,
# then removes everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
[ $# -ge 1 ] || die "usage: deploy/scripts/bench.sh registry|ingest|detector|datasets|scale|tokens|console [options]  (see: dotnet run --project src/Provenance.Bench -- --help)"

if [ "$1" = detector ] || [ "$1" = tokens ]; then
  log "building in Release"
  dotnet build "$root/src/Provenance.Bench" -c Release -nologo -v quiet >/dev/null
  exec dotnet "$root/src/Provenance.Bench/bin/Release/net10.0/Provenance.Bench.dll" "$@"
fi

if [ "$1" = console ]; then
  # A browser benchmark run as an entry of the console's test project (test.sh starts its servers and the browser).
  log "building in Release"
  dotnet build "$root/tests/Provenance.Console.Tests" -c Release -nologo -v quiet >/dev/null
  PROVENANCE_CONSOLE_BENCH=1 "$root/deploy/scripts/test.sh" "$root/tests/Provenance.Console.Tests" --partitions 1 --no-build --filter "FullyQualifiedName~Provenance.Console.Tests.LineageBenchmark" \
    --logger "console;verbosity=detailed" 2>&1 | grep -E 'lineage explorer|Passed|Failed|Skipped'
  exit "${PIPESTATUS[0]}"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/provenance-bench.XXXXXX")
chmod 755 "$scratch"
if [ "$1" = scale ]; then
  # The disk check comes before anything starts: a 100M-document run needs tens of GB where the database lives.
  log "building in Release"
  dotnet build "$root/src/Provenance.Bench" -c Release -nologo -v quiet >/dev/null
  dotnet "$root/src/Provenance.Bench/bin/Release/net10.0/Provenance.Bench.dll" "$@" --scratch "$scratch" --plan-only \
    || { rc=$?; rm -rf "$scratch"; exit "$rc"; }
fi
# --partitions N (Database:Partitions) reaches the API, which migrates the registry, as well as the benchmark, which
# checks it; 1 (the default) is plain tables.
partitions=1
previous=
for arg in "$@"; do
  case "$arg" in --partitions=*) partitions=${arg#--partitions=} ;; esac
  [ "$previous" = --partitions ] && partitions=$arg
  previous=$arg
done
pg_port=$(free_port 56432)
api_port=$(free_port 56080)
rabbit_port=$(free_port 46772 1000)
api_pid=
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null || true
  rabbit_stop "$scratch/rabbitmq" "$rabbit_port"
  pg_stop "$scratch/postgres"
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg_start "$scratch/postgres" "$pg_port" "$scratch/postgres.password" shared_buffers=1GB max_wal_size=8GB checkpoint_timeout=15min
pg_ensure_database "$pg_port" "$scratch/postgres.password" provenance_bench
connection=$(pg_connection "$pg_port" "$scratch/postgres.password" provenance_bench)
rabbit_start "$scratch/rabbitmq" "$rabbit_port"
broker="amqp://guest:guest@127.0.0.1:$rabbit_port/"

log "building in Release"
dotnet build "$root/src/Provenance.Api" -c Release -nologo -v quiet >/dev/null
dotnet build "$root/src/Provenance.Bench" -c Release -nologo -v quiet >/dev/null
dotnet build "$root/src/Provenance.Cli" -c Release -nologo -v quiet >/dev/null

admin_key="pvk_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ConnectionStrings__Registry=$connection ConnectionStrings__Broker=$broker Database__MigrateOnStartup=true Database__Partitions=$partitions \
PROVENANCE_ADMIN_KEY=$admin_key Logging__LogLevel__Default=Warning \
  dotnet "$root/src/Provenance.Api/bin/Release/net10.0/Provenance.Api.dll" --contentRoot "$root/src/Provenance.Api" --urls "http://127.0.0.1:$api_port" &
api_pid=$!
# The API migrates the registry before it listens, and the benchmark must not start before: it would migrate the same
# database at the same time. On a loaded 2-core machine the start can take minutes. Ready means it knows this run's
# admin key: a server that merely answers on the port may be another one that took it between free_port and our bind.
command -v curl >/dev/null 2>&1 || apt_install curl
api_up=
for _ in $(seq 1 600); do
  kill -0 "$api_pid" 2>/dev/null || { api_pid=; die "the API exited while starting (its log is above); nothing was measured"; }
  curl -sf -o /dev/null -H "X-Api-Key: $admin_key" "http://127.0.0.1:$api_port/v1/keys/me" && { api_up=1; break; }
  sleep 1
done
[ -n "$api_up" ] || die "the API did not answer on 127.0.0.1:$api_port within 10 minutes"

command=$1; shift
case "$command" in
  registry|datasets) extra=(--api-url "http://127.0.0.1:$api_port" --api-key "$admin_key") ;;
  ingest) extra=(--broker "$broker" --cli "$root/src/Provenance.Cli/bin/Release/net10.0/provenance.dll" --consumer-pid "$api_pid"
                 --work-dir "$scratch/work") ;;
  scale) extra=(--scratch "$scratch") ;;
  *) extra=() ;;
esac
dotnet "$root/src/Provenance.Bench/bin/Release/net10.0/Provenance.Bench.dll" "$command" --connection "$connection" "${extra[@]}" "$@"
