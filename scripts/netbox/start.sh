#!/usr/bin/env bash
# Install (PyPI wheel in a venv, PostgreSQL + Redis from Debian) and start a real
# NetBox on loopback for contract tests. Idempotent; run as root. Prints at the end:
#   NETBOX_CONTRACT_URL=http://127.0.0.1:PORT
#   NETBOX_CONTRACT_TOKEN=<v1 token, 40 hex>      (header "Authorization: Token <v1>")
#   NETBOX_CONTRACT_TOKEN_V2=nbt_<key>.<secret>    (header "Authorization: Bearer <v2>")
# A cold start restores fixtures/netbox/empty-db.sql.gz (a freshly migrated, empty
# database) when fixtures/netbox/empty-db.version matches the pinned version;
# otherwise it runs the ~336 migrations (~5 min on 2 cores) and says so
# (refresh the dump with scripts/netbox/dump-empty-db.sh).
# Env: NETBOX_PORT (8001), NETBOX_V1_TOKEN, NETBOX_V2_TOKEN, NETBOX_ADMIN_PASSWORD,
#      NETBOX_FRESH=1 (stop this port's server if we started it, drop its database and
#      start over from the empty dump: ~15 s),
#      NETBOX_PYTHON (a python >= 3.12; default: first found), NETBOX_HOME
#      (/opt/netbot-netbox: venv/ shared by all instances).
# Each port is its own instance: NETBOX_ROOT=$NETBOX_HOME/instance-PORT (conf/, media/),
# database netbox_PORT, Redis databases 2*(PORT%8) and 2*(PORT%8)+1, gunicorn log
# /tmp/netbox-PORT.log, pid /tmp/netbox-PORT.pid. Stop one: kill "$(cat /tmp/netbox-PORT.pid)".
set -euo pipefail

NETBOX_VERSION=4.7.3   # keep fixtures/netbox/empty-db.version in step
PORT="${NETBOX_PORT:-8001}"
V1="${NETBOX_V1_TOKEN:-feedc0de0123456789abcdef0123456789abcdef}"
V2="${NETBOX_V2_TOKEN:-nbt_netbotv2key1.netbotContractTestsV2Secret0123456789abc}"
ADMIN_USER=admin
ADMIN_PASSWORD="${NETBOX_ADMIN_PASSWORD:-netbot-admin-pass-1}"
HOME_DIR="${NETBOX_HOME:-/opt/netbot-netbox}"
VENV="${HOME_DIR}/venv"
INST="${HOME_DIR}/instance-${PORT}"
DB_NAME="netbox_${PORT}"
DB_USER=netbox
DB_PASS=netbox-contract-pass
REDIS_PORT=6379
REDIS_DB_TASKS=$(( 2 * (PORT % 8) ))
REDIS_DB_CACHE=$(( REDIS_DB_TASKS + 1 ))
URL="http://127.0.0.1:${PORT}"
LOG="/tmp/netbox-${PORT}.log"
PIDFILE="/tmp/netbox-${PORT}.pid"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DUMP="${HERE}/../../fixtures/netbox/empty-db.sql.gz"
DUMP_VERSION_FILE="${HERE}/../../fixtures/netbox/empty-db.version"
START_TS=$(date +%s)
export NETBOX_ROOT="$INST"

log() { echo "[netbox/start.sh] $*" >&2; }
die() { echo "[netbox/start.sh] ERROR: $*" >&2; exit 1; }

done_ok() {
  log "ready at ${URL} after $(( $(date +%s) - START_TS ))s"
  echo "NETBOX_CONTRACT_URL=${URL}"
  echo "NETBOX_CONTRACT_TOKEN=${V1}"
  echo "NETBOX_CONTRACT_TOKEN_V2=${V2}"
  exit 0
}

# status_code KEYWORD TOKEN -> HTTP status of GET /api/status/ (000 if nothing answers)
status_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
    -H "Authorization: $1 $2" -H 'Accept: application/json' "${URL}/api/status/" 2>/dev/null || true
}
tokens_ok() { [ "$(status_code Token "$V1")" = 200 ] && [ "$(status_code Bearer "$V2")" = 200 ]; }

[ "$(id -u)" = 0 ] || die "start.sh must run as root"

FRESH="${NETBOX_FRESH:-0}"
if [ "$FRESH" = 1 ] && [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  log "NETBOX_FRESH=1: stopping the server on ${URL} (pid $(cat "$PIDFILE"))"
  kill "$(cat "$PIDFILE")"
  for _ in $(seq 1 30); do kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 0.5; done
fi

# 0. Already running with our tokens? Nothing to do.
if [ "$FRESH" != 1 ] && tokens_ok; then
  log "a NetBox already answers on ${URL} with both tokens"
  done_ok
fi

# One start.sh at a time (two concurrent cold starts would race on apt/pip/the DB);
# the second one then finds the server of the first.
exec 9>/tmp/netbox-start.lock
flock 9
if [ "$FRESH" != 1 ] && tokens_ok; then
  log "a NetBox answers on ${URL} with both tokens (started meanwhile)"
  done_ok
fi

# 1. Debian packages.
PKGS=(postgresql redis-server curl ca-certificates)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # One apt at a time: scripts/redmine/start.sh may be installing beside us (CI starts both).
  { flock /tmp/netbot-apt.lock apt-get update -qq &&
    flock /tmp/netbot-apt.lock apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >/tmp/netbox-apt.log 2>&1 9>&- || {
    tail -n 60 /tmp/netbox-apt.log >&2
    die "apt-get install failed (full log: /tmp/netbox-apt.log)"
  }
fi

# 2. PostgreSQL: first cluster from pg_lsclusters (create one if there is none), started.
cluster="$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1, $2, $3}')"
if [ -z "$cluster" ]; then
  pgver="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  log "creating PostgreSQL cluster ${pgver}/main"
  pg_createcluster "$pgver" main >&2
  cluster="$(pg_lsclusters -h | awk 'NR==1 {print $1, $2, $3}')"
fi
read -r PG_VER PG_CLUSTER PG_PORT <<<"$cluster"
if ! pg_lsclusters -h | awk -v v="$PG_VER" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}' | grep -q online; then
  log "starting PostgreSQL ${PG_VER}/${PG_CLUSTER} (port ${PG_PORT})"
  pg_ctlcluster "$PG_VER" "$PG_CLUSTER" start 9>&- || {
    tail -n 40 "/var/log/postgresql/postgresql-${PG_VER}-${PG_CLUSTER}.log" >&2 || true
    die "PostgreSQL did not start"
  }
fi
psql_admin() { runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qAtX "$@"; }
for _ in $(seq 1 30); do psql_admin -c 'select 1' >/dev/null 2>&1 && break; sleep 1; done
psql_admin -c 'select 1' >/dev/null || die "PostgreSQL does not accept connections on port ${PG_PORT}"
if [ -z "$(psql_admin -c "select 1 from pg_roles where rolname='${DB_USER}'")" ]; then
  psql_admin -c "CREATE ROLE ${DB_USER} LOGIN PASSWORD '${DB_PASS}'"
else
  psql_admin -c "ALTER ROLE ${DB_USER} LOGIN PASSWORD '${DB_PASS}'"
fi
if [ "$FRESH" = 1 ]; then
  log "NETBOX_FRESH=1: dropping database ${DB_NAME}"
  psql_admin -c "DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)"
fi
if [ -z "$(psql_admin -c "select 1 from pg_database where datname='${DB_NAME}'")" ]; then
  log "creating database ${DB_NAME}"
  psql_admin -c "CREATE DATABASE ${DB_NAME} OWNER ${DB_USER}"
fi

# 3. Redis (no systemd here: daemonize it ourselves, no persistence).
if [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || true)" != PONG ]; then
  log "starting redis-server on 127.0.0.1:${REDIS_PORT}"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --logfile /tmp/netbox-redis.log >&2 9>&-
  for _ in $(seq 1 20); do
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || true)" = PONG ] && break
    sleep 0.5
  done
  [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || true)" = PONG ] || {
    tail -n 20 /tmp/netbox-redis.log >&2 || true
    die "redis-server did not start"
  }
fi

if [ "$FRESH" = 1 ]; then
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -n "$REDIS_DB_TASKS" flushdb >/dev/null
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -n "$REDIS_DB_CACHE" flushdb >/dev/null
fi

# 4. NetBox in a venv (python >= 3.12; Debian bookworm's python3 is 3.11).
if [ ! -x "${VENV}/bin/netbox" ] || [ "$("${VENV}/bin/netbox" version 2>/dev/null)" != "$NETBOX_VERSION" ]; then
  PY="${NETBOX_PYTHON:-}"
  if [ -z "$PY" ]; then
    for c in python3.13 python3.12 /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 \
             /usr/local/bin/python3 /usr/bin/python3; do
      c="$(command -v "$c" 2>/dev/null || true)"
      if [ -n "$c" ] && "$c" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        PY="$c"
        break
      fi
    done
  fi
  [ -n "$PY" ] || die "NetBox ${NETBOX_VERSION} needs Python >= 3.12 (with venv); none found (set NETBOX_PYTHON)"
  log "installing netbox==${NETBOX_VERSION} into ${VENV} with $("$PY" --version)"
  rm -rf "$VENV"
  mkdir -p "$HOME_DIR"
  "$PY" -m venv "$VENV"
  PIP=("${VENV}/bin/pip" install -q --disable-pip-version-check)
  # netbox pins psycopg[c,pool], which compiles against libpq: install the wheel
  # without deps, then its own pinned requirements with psycopg[binary,pool].
  "${PIP[@]}" --no-deps "netbox==${NETBOX_VERSION}" >/tmp/netbox-pip.log 2>&1 || {
    tail -n 40 /tmp/netbox-pip.log >&2; die "pip install netbox==${NETBOX_VERSION} failed"; }
  "${VENV}/bin/python" - >"${HOME_DIR}/requirements.txt" <<'PY'
from importlib.metadata import requires
for r in requires("netbox"):
    if "extra ==" not in r:
        print(r.replace("psycopg[c,pool]", "psycopg[binary,pool]"))
PY
  "${PIP[@]}" -r "${HOME_DIR}/requirements.txt" >>/tmp/netbox-pip.log 2>&1 || {
    tail -n 40 /tmp/netbox-pip.log >&2; die "pip install of netbox's requirements failed (log: /tmp/netbox-pip.log)"; }
fi

# 5. Configuration ($NETBOX_ROOT/conf/configuration.py is what a wheel install reads).
mkdir -p "${INST}/conf" "${INST}/media" "${INST}/reports" "${INST}/scripts"
CONF="${INST}/conf/configuration.py"
cat >"${CONF}.new" <<EOF
# Written by netbot's scripts/netbox/start.sh: contract-test instance on loopback.
# Nothing here is a secret worth keeping.
ALLOWED_HOSTS = ['127.0.0.1', 'localhost', '[::1]']
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': '${DB_NAME}',
        'USER': '${DB_USER}',
        'PASSWORD': '${DB_PASS}',
        'HOST': '127.0.0.1',
        'PORT': '${PG_PORT}',
        'CONN_MAX_AGE': 300,
    }
}
REDIS = {
    'tasks': {'HOST': '127.0.0.1', 'PORT': ${REDIS_PORT}, 'USERNAME': '', 'PASSWORD': '', 'DATABASE': ${REDIS_DB_TASKS}, 'SSL': False},
    'caching': {'HOST': '127.0.0.1', 'PORT': ${REDIS_PORT}, 'USERNAME': '', 'PASSWORD': '', 'DATABASE': ${REDIS_DB_CACHE}, 'SSL': False},
}
SECRET_KEY = 'netbot-contract-tests-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz'
# Needed for v2 (nbt_) tokens; changing it invalidates existing v2 tokens.
API_TOKEN_PEPPERS = {1: 'netbot-contract-tests-pepper-0123456789abcdefghijklmnop'}
CENSUS_REPORTING_ENABLED = False
TIME_ZONE = 'UTC'
EOF
mv "${CONF}.new" "$CONF"

# 6. Database content: restore the empty-db dump on an empty database when it
#    matches the installed version; migrate otherwise (no-op if up to date).
db_has_tables() {
  [ -n "$(psql_admin -d "$DB_NAME" -c "select 1 from pg_tables where schemaname='public' and tablename='django_migrations'")" ]
}
MIGRATE=1
if ! db_has_tables; then
  dump_version="$(cat "$DUMP_VERSION_FILE" 2>/dev/null || true)"
  if [ -f "$DUMP" ] && [ "$dump_version" = "$NETBOX_VERSION" ]; then
    log "restoring empty-db dump for ${NETBOX_VERSION}"
    # Restored as the NetBox role (the dump has no owners/privileges), so it owns everything.
    gzip -dc "$DUMP" | PGPASSWORD="$DB_PASS" psql -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" \
      -v ON_ERROR_STOP=1 -qX >/tmp/netbox-restore.log 2>&1 || {
      tail -n 40 /tmp/netbox-restore.log >&2; die "restoring ${DUMP} failed"; }
  else
    log "no empty-db dump for ${NETBOX_VERSION} (have: ${dump_version:-none}): running all migrations," \
        "~5 min on 2 cores. Refresh it with scripts/netbox/dump-empty-db.sh"
  fi
fi

log "migrate + admin user + tokens (netbox shell)"
(cd "$INST" && NB_MIGRATE="$MIGRATE" NB_ADMIN_USER="$ADMIN_USER" NB_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
  NB_V1_TOKEN="$V1" NB_V2_TOKEN="$V2" \
  "${VENV}/bin/netbox" shell --no-imports -c "$(cat "${HERE}/bootstrap.py")") >/tmp/netbox-bootstrap.log 2>&1 || {
  tail -n 60 /tmp/netbox-bootstrap.log >&2
  die "netbox bootstrap failed (log: /tmp/netbox-bootstrap.log)"
}
grep -E 'bootstrap.py|Applying' /tmp/netbox-bootstrap.log | tail -n 20 >&2 || true

# The tokens may now be valid on a server that was already running.
if tokens_ok; then
  log "existing server accepts the tokens now"
  done_ok
fi
if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${URL}/" 2>/dev/null || true)" != 000 ]; then
  die "something else answers on ${URL} but rejects the tokens; refusing to start"
fi

# 7. Start gunicorn (1 worker, threads; ~270 MB) in the background.
: >"$LOG"
log "starting gunicorn on ${URL} (log: ${LOG})"
(
  cd "$INST"
  nohup "${VENV}/bin/gunicorn" netbox.wsgi --bind "127.0.0.1:${PORT}" --workers 1 --threads 8 \
    --timeout 300 --access-logfile - --error-logfile - >>"$LOG" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDFILE"
)
for _ in $(seq 1 120); do
  if tokens_ok; then
    done_ok
  fi
  if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    log "server process died"
    break
  fi
  sleep 1
done
echo "NetBox did not answer 200 on ${URL}/api/status/ with both tokens; last log lines:" >&2
tail -n 60 "$LOG" >&2
exit 1
