# Shared helpers for run.sh, test.sh and bench.sh: install and start throwaway servers on 127.0.0.1.
# Sourced, not executed. Every server keeps its data under a folder the caller chooses.

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $* (install it yourself, or run this script as root)"; fi
}

apt_install() {
  log "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# deb_unpack PACKAGE DIR: Debian's PACKAGE unpacked under DIR, not installed, for a tool whose version the tests pin
# while the machine may hold another under the same name (a kubectl from elsewhere owning /usr/bin/kubectl, say).
deb_unpack() {
  local package=$1 dir=$2 tmp
  [ -f "$dir/.unpacked" ] && return 0
  log "unpacking Debian's $package into $dir"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$package" >/dev/null) \
    || { rm -rf "$tmp"; die "apt-get could not download $package"; }
  mkdir -p "$dir"
  dpkg-deb -x "$tmp"/*.deb "$dir" || { rm -rf "$tmp"; die "could not unpack $package"; }
  rm -rf "$tmp"
  touch "$dir/.unpacked"
}

# npm_ci DIR: the npm packages DIR's lock file names, installed again only when the lock file changed.
npm_ci() {
  local dir=$1
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"; then
    log "installing the npm packages of $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in $dir"
    cp "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"
  fi
}

# A TCP port on 127.0.0.1 that nothing listens on, starting the search at $1.
# free_port FIRST [OFFSET]: the first port from FIRST that is free, and whose companion port +OFFSET is free too
# (RabbitMQ's distribution port is the AMQP port + 1000).
free_port() {
  local port=$1 offset=${2:-0}
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
        || { [ "$offset" -gt 0 ] && (exec 3<>"/dev/tcp/127.0.0.1/$((port + offset))") 2>/dev/null; }; do
    port=$((port + 1))
  done
  echo "$port"
}

pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ]; then
    apt_install postgresql
    # Debian starts a cluster of its own on 5432; the registry uses its own cluster, so stop that one.
    as_root sh -c 'command -v pg_ctlcluster >/dev/null && for c in $(ls /etc/postgresql 2>/dev/null); do for n in $(ls /etc/postgresql/$c); do pg_ctlcluster $c $n stop || true; done; done' >/dev/null 2>&1 || true
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  [ -n "$dir" ] || die "PostgreSQL is not installed and apt-get could not install it"
  echo "$dir"
}

# PostgreSQL refuses to run as root, so as root the server runs as the 'postgres' user
# (created by the Debian package, or here when missing).
pg_user() {
  if [ "$(id -u)" -ne 0 ]; then id -un; return; fi
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  echo postgres
}

as_pg_user() {
  local user=$1; shift
  # From / : the caller's working directory (a checkout under /root, say) may be closed to the server user.
  if [ "$(id -un)" = "$user" ]; then "$@"; else (cd / && runuser -u "$user" -- "$@"); fi
}

# Prints a data folder the server user can use. The preferred one is inside the repository; when the server
# user cannot reach it (a checkout under /root, say) the data goes under /var/tmp and a link is left in its place.
pg_data_dir() {
  local wanted=$1 user=$2
  if [ -L "$wanted" ]; then readlink -f "$wanted"; return; fi
  mkdir -p "$wanted"
  if [ "$(id -un)" = "$user" ]; then echo "$wanted"; return; fi
  chown "$user" "$wanted"
  if runuser -u "$user" -- test -x "$wanted" 2>/dev/null; then echo "$wanted"; return; fi
  rmdir "$wanted"
  local elsewhere
  elsewhere=$(mktemp -d /var/tmp/provenance-pg.XXXXXX)
  chown "$user" "$elsewhere"
  ln -s "$elsewhere" "$wanted"
  echo "$elsewhere"
}

# pg_start DATA_DIR PORT PASSWORD_FILE [extra postgres -c options...]
# Creates the cluster on first use (user 'provenance', password from PASSWORD_FILE), starts it on 127.0.0.1.
pg_start() {
  local data=$1 port=$2 pwfile=$3; shift 3
  local bin user
  bin=$(pg_bin_dir); user=$(pg_user)
  data=$(pg_data_dir "$data" "$user")
  chown "$user" "$data" 2>/dev/null || true
  chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    [ -f "$pwfile" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$pwfile")
    local tmp_pw
    tmp_pw=$(mktemp); cp "$pwfile" "$tmp_pw"; chown "$user" "$tmp_pw"; chmod 600 "$tmp_pw"
    log "creating a PostgreSQL cluster in $data"
    as_pg_user "$user" "$bin/initdb" -D "$data" -U provenance --pwfile="$tmp_pw" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null \
      || { rm -f "$tmp_pw"; die "initdb failed for $data"; }
    rm -f "$tmp_pw"
  fi
  local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_locks_per_transaction=256"
  for o in "$@"; do opts="$opts -c $o"; done
  log "starting PostgreSQL on 127.0.0.1:$port"
  as_pg_user "$user" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -o "$opts" -w -t 60 start >/dev/null \
    || { tail -n 20 "$data/server.log" >&2; die "PostgreSQL did not start (log: $data/server.log)"; }
}

pg_stop() {
  local data=$1 bin user
  bin=$(pg_bin_dir); user=$(pg_user)
  [ -e "$data" ] && data=$(readlink -f "$data")
  if [ -f "$data/postmaster.pid" ]; then
    as_pg_user "$user" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

pg_running() {
  local data=$1 bin user
  bin=$(pg_bin_dir); user=$(pg_user)
  [ -e "$data" ] || return 1
  data=$(readlink -f "$data")
  [ -f "$data/postmaster.pid" ] && as_pg_user "$user" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# The checkout's own PostgreSQL (run.sh, lab.sh): reuses the one already running for this data directory, otherwise
# starts it, refusing a port another program holds. Sets started_pg=1 when it started the server, so the caller's
# cleanup stops only what it started.
pg_checkout_start() {
  local data=$1 port=$2 password=$3
  started_pg=0
  if pg_running "$data"; then
    log "PostgreSQL is already running for this checkout"
    return
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is taken by another program; set PROVENANCE_PG_PORT to a free port"
  fi
  pg_start "$data" "$port" "$password"
  started_pg=1
}

# pg_connection PORT PASSWORD_FILE DATABASE
pg_connection() {
  printf 'Host=127.0.0.1;Port=%s;Username=provenance;Password=%s;Database=%s' "$1" "$(cat "$2")" "$3"
}

# pg_ensure_database PORT PASSWORD_FILE NAME
pg_ensure_database() {
  local port=$1 pwfile=$2 name=$3 bin
  bin=$(pg_bin_dir)
  if ! PGPASSWORD=$(cat "$pwfile") "$bin/psql" -h 127.0.0.1 -p "$port" -U provenance -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    PGPASSWORD=$(cat "$pwfile") "$bin/createdb" -h 127.0.0.1 -p "$port" -U provenance "$name"
  fi
}

# ---- RabbitMQ --------------------------------------------------------------------------------------------------
rabbit_bin_dir() {
  local dir=/usr/lib/rabbitmq/bin
  [ -x "$dir/rabbitmq-server" ] || apt_install rabbitmq-server
  [ -x "$dir/rabbitmq-server" ] || die "RabbitMQ is not installed and apt-get could not install it"
  echo "$dir"
}

# One node name per data folder, so several runs (and their epmd registrations) never collide.
rabbit_node() { echo "provenance-$(printf '%s' "$1" | md5sum | cut -c1-10)@localhost"; }

# rabbit_env DIR PORT: the environment of one RabbitMQ node whose files all live under DIR, on 127.0.0.1:PORT.
rabbit_env() {
  local dir=$1 port=$2
  echo RABBITMQ_NODENAME="$(rabbit_node "$dir")" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" \
    RABBITMQ_DIST_PORT="$((port + 1000))" ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbit.pid" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" HOME=/var/lib/rabbitmq
}

as_rabbit() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u rabbitmq -- "$@"); else "$@"; fi; }

# rabbit_start DIR PORT: starts (creating on first use) a RabbitMQ node listening on 127.0.0.1:PORT only.
rabbit_start() {
  local dir=$1 port=$2 bin
  bin=$(rabbit_bin_dir)
  mkdir -p "$dir/mnesia" "$dir/log"
  [ -f "$dir/enabled_plugins" ] || echo '[].' > "$dir/enabled_plugins"
  [ -f "$dir/rabbitmq.conf" ] || printf 'listeners.tcp.default = 127.0.0.1:%s\nmax_message_size = 134217728\n' "$port" > "$dir/rabbitmq.conf"
  # The node-to-node (distribution) port listens on loopback too.
  [ -f "$dir/advanced.config" ] || echo '[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].' > "$dir/advanced.config"
  [ "$(id -u)" -eq 0 ] && chown -R rabbitmq "$dir"
  log "starting RabbitMQ on 127.0.0.1:$port"
  # shellcheck disable=SC2046
  as_rabbit env $(rabbit_env "$dir" "$port") "$bin/rabbitmq-server" > "$dir/log/console.log" 2>&1 &
  # shellcheck disable=SC2046
  # `wait` first waits for the pid file and the node to come up, which await_startup alone does not.
  if ! as_rabbit env $(rabbit_env "$dir" "$port") "$bin/rabbitmqctl" -q wait --timeout 120 "$dir/rabbit.pid" >/dev/null 2>&1 \
     || ! as_rabbit env $(rabbit_env "$dir" "$port") "$bin/rabbitmqctl" -q await_startup --timeout 120 >/dev/null 2>&1; then
    tail -n 30 "$dir/log/console.log" >&2
    die "RabbitMQ did not start (log: $dir/log)"
  fi
}

rabbit_stop() {
  local dir=$1 port=$2 bin
  bin=$(rabbit_bin_dir)
  [ -f "$dir/rabbit.pid" ] || return 0
  # shellcheck disable=SC2046
  as_rabbit env $(rabbit_env "$dir" "$port") "$bin/rabbitmqctl" -q stop "$dir/rabbit.pid" >/dev/null 2>&1 || true
}
