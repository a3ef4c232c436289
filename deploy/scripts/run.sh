#!/usr/bin/env bash
# Runs the registry on this machine: a local PostgreSQL (installed with apt-get if missing; data in .data/ inside
# the repository; listening on 127.0.0.1 only), the migrations, and the API at PROVENANCE_URL
# (default http://127.0.0.1:5080) with the in-process message bus. Ctrl-C stops the API and the database.
#
# PROVENANCE_ADMIN_KEY sets the admin API key. When it is unset, a key is generated on the first run, printed
# once, and kept in .data/admin.key for later runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

command -v dotnet >/dev/null || die "the .NET SDK is required (https://dot.net); install it and run this again"

url=${PROVENANCE_URL:-http://127.0.0.1:5080}
pg_port=${PROVENANCE_PG_PORT:-55433}
data="$root/.data"
mkdir -p "$data"
chmod 755 "$data"

started_pg=0
api_pid=
cleanup() {
  if [ -n "$api_pid" ]; then kill -TERM "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  if [ "$started_pg" = 1 ]; then log "stopping PostgreSQL"; pg_stop "$data/postgres"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pg_checkout_start "$data/postgres" "$pg_port" "$data/postgres.password"
pg_ensure_database "$pg_port" "$data/postgres.password" provenance

new_key=0
if [ -z "${PROVENANCE_ADMIN_KEY:-}" ]; then
  if [ ! -s "$data/admin.key" ]; then
    (umask 077; printf 'pvk_%s\n' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" > "$data/admin.key")
    new_key=1
  fi
  PROVENANCE_ADMIN_KEY=$(tr -d '\n' < "$data/admin.key")
fi
export PROVENANCE_ADMIN_KEY

# The API's build bundles the curator console (src/Provenance.Console) with npm.
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
log "building the API"
dotnet build "$root/src/Provenance.Api" -c Release -nologo -v quiet >/dev/null

echo
echo "  Provenance registry: $url   (API reference: $url/docs, OpenAPI: $url/openapi/v1.json)"
echo "  Curator console: $url/console/   (sign in with an API key)"
if [ "$new_key" = 1 ]; then
  echo "  Admin API key (shown once; kept in .data/admin.key): $PROVENANCE_ADMIN_KEY"
elif [ -s "$data/admin.key" ] && [ "$PROVENANCE_ADMIN_KEY" = "$(tr -d '\n' < "$data/admin.key")" ]; then
  echo "  Admin API key: the one in .data/admin.key"
else
  echo "  Admin API key: the value of PROVENANCE_ADMIN_KEY"
fi
echo "  Try: curl -H \"X-Api-Key: \$(cat .data/admin.key)\" $url/v1/stats"
echo

# The API runs as a child so that Ctrl-C (or a TERM) stops it first and then the database.
ConnectionStrings__Registry=$(pg_connection "$pg_port" "$data/postgres.password" provenance) \
Database__MigrateOnStartup=true \
  dotnet "$root/src/Provenance.Api/bin/Release/net10.0/Provenance.Api.dll" --contentRoot "$root/src/Provenance.Api" --urls "$url" &
api_pid=$!
wait "$api_pid"
