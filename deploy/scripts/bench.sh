#!/usr/bin/env bash
# Runs a benchmark against real servers and prints its figures:
#   deploy/scripts/bench.sh registry [options]   batch registration throughput, ancestor-query latency on a 1M-doc DAG
#   deploy/scripts/bench.sh ingest [options]     1M documents end to end through RabbitMQ vs. a raw binary COPY
#   deploy/scripts/bench.sh detector [options]   detector throughput on ~1 KB documents (no servers needed)
#   deploy/scripts/bench.sh tokens [options]     token counting on prose vs. the library, and on single long runs (no servers)
#   deploy/scripts/bench.sh datasets [options]   a 1M-document mix from a 10M-document registry vs. ORDER BY random(); export MB/s
#   deploy/scripts/bench.sh console              the console's lineage explorer drawing 2,000 nodes in headless chromium
# It starts a throwaway PostgreSQL (durable settings, as in production, with a larger buffer cache), RabbitMQ and the
# API (consuming from RabbitMQ) in Release mode on 127.0.0.1, passes the remaining arguments to src/Provenance.Bench,
# then removes everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
[ $# -ge 1 ] || die "usage: deploy/scripts/bench.sh registry|ingest|detector|datasets|tokens|console [options]  (see: dotnet run --project src/Provenance.Bench -- --help)"

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

# --partitions N (Database:Partitions) reaches the API, which builds the schema, as well as the benchmark.
partitions=1
for ((i = 2; i <= $#; i++)); do
  [ "${!i}" = --partitions ] && { j=$((i + 1)); partitions=${!j}; }
done

admin_key="pvk_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ConnectionStrings__Registry=$connection ConnectionStrings__Broker=$broker Database__MigrateOnStartup=true Database__Partitions=$partitions \
PROVENANCE_ADMIN_KEY=$admin_key Logging__LogLevel__Default=Warning \
  dotnet "$root/src/Provenance.Api/bin/Release/net10.0/Provenance.Api.dll" --contentRoot "$root/src/Provenance.Api" --urls "http://127.0.0.1:$api_port" &
api_pid=$!
# Ready when it answers; a port answered while our API has exited (it lost the port to another process started
# between free_port and its bind) would be somebody else's server, so that stops the run.
for _ in $(seq 1 60); do
  kill -0 "$api_pid" 2>/dev/null || { api_pid=; die "the API exited while starting (see its output above); nothing was measured"; }
  curl -sf "http://127.0.0.1:$api_port/health" >/dev/null 2>&1 && break
  (exec 3<>"/dev/tcp/127.0.0.1/$api_port") 2>/dev/null && break
  sleep 1
done
kill -0 "$api_pid" 2>/dev/null || { api_pid=; die "the API exited while starting (see its output above); nothing was measured"; }

command=$1; shift
case "$command" in
  registry|datasets) extra=(--api-url "http://127.0.0.1:$api_port" --api-key "$admin_key") ;;
  ingest) extra=(--broker "$broker" --cli "$root/src/Provenance.Cli/bin/Release/net10.0/provenance.dll" --consumer-pid "$api_pid"
                 --work-dir "$scratch/work") ;;
  *) extra=() ;;
esac
dotnet "$root/src/Provenance.Bench/bin/Release/net10.0/Provenance.Bench.dll" "$command" --connection "$connection" "${extra[@]}" "$@"
