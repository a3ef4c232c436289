#!/usr/bin/env bash
# Runs every test against real servers: starts a throwaway PostgreSQL and RabbitMQ on 127.0.0.1, runs
# `dotnet test` over the whole solution in both database modes (plain tables, then Database:Partitions=4, see
# docs/operations.md), and removes the servers afterwards. --partitions N runs one mode only (1: plain tables). Extra
# arguments go to dotnet test, for example: deploy/scripts/test.sh --partitions 1 --filter "FullyQualifiedName~Lineage".
# A test project's folder as the first argument tests that project alone (with --no-build, the other projects need not
# have been built): deploy/scripts/test.sh tests/Provenance.Console.Tests --no-build
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

target="$root/Provenance.sln"
if [ $# -gt 0 ] && [ -d "$1" ] && [[ "$1" != -* ]]; then
  target=$(realpath "$1")
  shift
fi
modes=(1 4)
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --partitions) [ $# -ge 2 ] || die "--partitions needs a number (1: plain tables)"; modes=("$2"); shift 2 ;;
    --partitions=*) modes=("${1#--partitions=}"); shift ;;
    *) args+=("$1"); shift ;;
  esac
done

command -v dotnet >/dev/null || die "the .NET SDK is required (https://dot.net); install it and run this again"

# The compose file is part of what we ship: Debian's docker-compose (1.29) reads it without an engine, with and
# without the gpu profile.
command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
log "validating docker-compose.yml (default and gpu profiles)"
docker-compose -f "$root/docker-compose.yml" config -q || die "docker-compose.yml is not valid (above)"
docker-compose -f "$root/docker-compose.yml" --profile gpu config -q || die "docker-compose.yml is not valid with --profile gpu (above)"

# The Kubernetes manifest tests render deploy/k8s with Debian's kubectl and check the objects against the Kubernetes
# and KEDA schemas that npm packages carry (tests/Provenance.Deploy.Tests/Kubernetes).
deb_unpack kubernetes-client "$root/.tools/kubernetes-client"
export PROVENANCE_TEST_KUBECTL="$root/.tools/kubernetes-client/usr/bin/kubectl"
npm_ci "$root/tests/Provenance.Deploy.Tests/Kubernetes/schemas"

# The console's browser tests (tests/Provenance.Console.Tests) drive Debian's chromium through Playwright; Playwright's
# own browser download is never used. The API's build bundles the console with npm (npm_ci above installed it).
command -v chromium >/dev/null 2>&1 || apt_install chromium
export PROVENANCE_TEST_CHROMIUM=${PROVENANCE_TEST_CHROMIUM:-$(command -v chromium)}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/provenance-test.XXXXXX")
chmod 755 "$scratch"
pg_port=$(free_port 55432)
# Not 35672-35682: the RabbitMQ command-line tools take those ports for themselves.
rabbit_port=$(free_port 46672 1000)
# The servers are throwaway; failing to remove one of their files must not turn a passing run into a failing one.
cleanup() {
  rabbit_stop "$scratch/rabbitmq" "$rabbit_port"
  pg_stop "$scratch/postgres"
  rm -rf "$scratch" 2>/dev/null || log "left $scratch behind (some of its files could not be removed)"
}
trap cleanup EXIT

# A throwaway cluster: fsync off, since its data dies with the run.
pg_start "$scratch/postgres" "$pg_port" "$scratch/postgres.password" fsync=off synchronous_commit=off full_page_writes=off max_connections=200
export PROVENANCE_TEST_POSTGRES
PROVENANCE_TEST_POSTGRES=$(pg_connection "$pg_port" "$scratch/postgres.password" postgres)

rabbit_start "$scratch/rabbitmq" "$rabbit_port"
export PROVENANCE_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$rabbit_port/"
# The broker-restart test calls this to stop and start the node, as an operator would.
cat > "$scratch/restart-rabbitmq.sh" <<RESTART
#!/usr/bin/env bash
set -euo pipefail
source "$root/deploy/scripts/lib.sh"
rabbit_stop "$scratch/rabbitmq" "$rabbit_port"
rabbit_start "$scratch/rabbitmq" "$rabbit_port"
RESTART
chmod +x "$scratch/restart-rabbitmq.sh"
export PROVENANCE_TEST_RABBITMQ_RESTART="$scratch/restart-rabbitmq.sh"

# Every host the tests start (in process or as a process) reads Database:Partitions from the environment, and builds
# its database with that many partitions per hot table. The solution is built once, by the first run.
# Each mode's output is kept, so that the last thing the run prints is which tests failed in which mode, with their
# messages: a long log's tail is often all a reader of CI sees.
status=0
no_build=()
failures=()
for n in "${modes[@]}"; do
  log "running the test suite, Database:Partitions=$n"
  mode_status=0
  Database__Partitions=$n dotnet test "$target" -c Release --logger "console;verbosity=normal" "${no_build[@]}" "${args[@]}" 2>&1 \
    | tee "$scratch/test-$n.log" || mode_status=$?
  [ "$mode_status" -eq 0 ] || { status=$mode_status; failures+=("$n"); }
  [[ " ${args[*]} " == *" --no-build "* ]] || no_build=(--no-build)
done

for n in "${modes[@]}"; do
  summary=$(awk '/^ +(Passed|Failed|Skipped): / { sum[$1] += $2 }
                 END { printf "%d passed, %d failed, %d skipped", sum["Passed:"], sum["Failed:"], sum["Skipped:"] }' "$scratch/test-$n.log")
  log "Database:Partitions=$n: $summary"
done
for n in "${failures[@]}"; do
  log "Database:Partitions=$n failed; each failed test with its message, then any aborted run or build error:"
  # A failed test's block runs from its "Failed" line to its stack trace; an aborted test host or a build error has no
  # such block, so its lines are listed as well.
  awk '/^ +Failed [^:]/ { keep = 1; lines = 0 } /^ +Stack Trace:/ { keep = 0 }
       keep && lines++ < 30 { print }
       /Test Run Aborted|The active test run was aborted|error [A-Za-z]+[0-9]+:|Test host process crashed/ { print }' \
    "$scratch/test-$n.log" >&2
done
exit "$status"
