#!/usr/bin/env bash
# Measures what large request bodies cost the API in resident memory: it starts a throwaway PostgreSQL and the API
# (Release, in-process bus, no detector) on 127.0.0.1, then for each endpoint sends COUNT bodies of about MB
# megabytes at once with a valid admin key and prints the API's resident memory (VmRSS) before, at its peak while
# they are handled (sampled every 100 ms) and 5 seconds after, with the status codes the bodies got.
#   deploy/scripts/bodies.sh                     3 x 200 MB to POST /v1/documents/batch, then to POST /v1/keys
#   COUNT=3 MB=200 CHUNKED=1 deploy/scripts/bodies.sh batch keys document
# The document bodies carry texts over Registry:MaxTextBytes and the key body a name over the name limit, so that
# nothing is written whichever way the API answers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

count=${COUNT:-3}
mb=${MB:-200}
chunked=${CHUNKED:-0}
endpoints=("$@")
[ ${#endpoints[@]} -gt 0 ] || endpoints=(batch keys)
command -v curl >/dev/null || apt_install curl

scratch=$(mktemp -d "${TMPDIR:-/tmp}/provenance-bodies.XXXXXX")
chmod 755 "$scratch"
pg_port=$(free_port 57432)
api_port=$(free_port 57080)
api_pid=
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null || true
  pg_stop "$scratch/postgres"
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg_start "$scratch/postgres" "$pg_port" "$scratch/postgres.password"
pg_ensure_database "$pg_port" "$scratch/postgres.password" provenance_bodies

log "building the API in Release"
dotnet build "$root/src/Provenance.Api" -c Release -nologo -v quiet >/dev/null

admin_key="pvk_bodies_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ConnectionStrings__Registry=$(pg_connection "$pg_port" "$scratch/postgres.password" provenance_bodies) \
Database__MigrateOnStartup=true Detection__InProcess=false PROVENANCE_ADMIN_KEY=$admin_key Logging__LogLevel__Default=Warning \
  dotnet "$root/src/Provenance.Api/bin/Release/net10.0/Provenance.Api.dll" --contentRoot "$root/src/Provenance.Api" \
  --urls "http://127.0.0.1:$api_port" > "$scratch/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$api_port/health" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { cat "$scratch/api.log" >&2; die "the API exited"; }
  sleep 0.5
done

# Bodies: documents of 2 MB of text each (over the 1 MiB text limit), or a key name of MB megabytes.
log "writing ${mb} MB bodies"
text=$(head -c 2000000 /dev/zero | tr '\0' a)
{
  printf '{"documents":['
  for i in $(seq 1 $((mb / 2))); do
    [ "$i" -gt 1 ] && printf ','
    printf '{"text":"%s"}' "$text"
  done
  printf ']}'
} > "$scratch/batch.json"
{ printf '{"text":"'; head -c $((mb * 1000000)) /dev/zero | tr '\0' a; printf '"}'; } > "$scratch/document.json"
{ printf '{"name":"'; head -c $((mb * 1000000)) /dev/zero | tr '\0' a; printf '","role":"reader"}'; } > "$scratch/keys.json"
unset text

rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$api_pid/status"; }
path_of() { case "$1" in batch) echo /v1/documents/batch ;; document) echo /v1/documents ;; keys) echo /v1/keys ;; *) die "unknown endpoint $1 (batch, document or keys)" ;; esac; }
stats() { curl -s -H "X-Api-Key: $admin_key" "http://127.0.0.1:$api_port/v1/stats" | tr -d '\n' | cut -c1-120; }

printf '%-22s %6s %10s %10s %10s  %s\n' endpoint bodies "before MB" "peak MB" "after MB" "answers"
for endpoint in "${endpoints[@]}"; do
  path=$(path_of "$endpoint")
  before=$(rss)
  stats_before=$(stats)
  headers=(-H "X-Api-Key: $admin_key" -H "Content-Type: application/json")
  [ "$chunked" = 1 ] && headers+=(-H "Transfer-Encoding: chunked")
  pids=()
  for i in $(seq 1 "$count"); do
    curl -s -o "$scratch/answer.$i" -w '%{http_code}' "${headers[@]}" --data-binary "@$scratch/$endpoint.json" \
      "http://127.0.0.1:$api_port$path" > "$scratch/status.$i" 2>/dev/null &
    pids+=($!)
  done
  peak=$before
  while :; do
    now=$(rss); [ "$now" -gt "$peak" ] && peak=$now
    running=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && running=1; done
    [ "$running" = 0 ] && break
    sleep 0.1
  done
  wait "${pids[@]}" 2>/dev/null || true
  sleep 5
  after=$(rss)
  answers=$(for i in $(seq 1 "$count"); do printf '%s ' "$(cat "$scratch/status.$i")"; done)
  printf '%-22s %6s %10s %10s %10s  %s\n' "POST $path" "$count" "$before" "$peak" "$after" "$answers"
  code=$(grep -o '"code":"[a-z_]*"' "$scratch/answer.1" | head -n 1 || true)
  [ -n "$code" ] && echo "  first answer: $code"
  [ "$(stats)" = "$stats_before" ] || echo "  /v1/stats changed: something was written"
done
echo "VmHWM (the process's peak) $(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$api_pid/status") MB"
