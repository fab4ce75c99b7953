#!/usr/bin/env bash
# Refresh fixtures/netbox/empty-db.sql.gz + empty-db.version: migrate a scratch
# database from scratch with the installed NetBox (~5 min on 2 cores) and dump it
# (schema + migration state only: no users, no tokens). Run after bumping
# NETBOX_VERSION in start.sh and running start.sh once (which installs the venv,
# writes the configuration and migrates its own database). Run as root.
# Env: NETBOX_DUMP_DIR (default fixtures/netbox) to write elsewhere.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOME_DIR="${NETBOX_HOME:-/opt/netbot-netbox}"
VENV="${HOME_DIR}/venv"
OUT="${NETBOX_DUMP_DIR:-${HERE}/../../fixtures/netbox}"
SCRATCH=netbox_emptydump
TMP_ROOT="$(mktemp -d /tmp/netbox-dump.XXXXXX)"
trap 'rm -rf "$TMP_ROOT"' EXIT

log() { echo "[netbox/dump-empty-db.sh] $*" >&2; }

CONF="$(ls "${HOME_DIR}"/instance-*/conf/configuration.py 2>/dev/null | head -n 1)"
[ -n "$CONF" ] || { echo "run scripts/netbox/start.sh first" >&2; exit 1; }
VERSION="$("${VENV}/bin/netbox" version)"
PG_PORT="$(pg_lsclusters -h | awk 'NR==1 {print $3}')"
psql_admin() { runuser -u postgres -- env PGOPTIONS="-c client_min_messages=warning" psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qAtX "$@"; }

# A copy of the instance configuration pointing at the scratch database.
mkdir -p "${TMP_ROOT}/conf"
sed "s/'NAME': '[^']*'/'NAME': '${SCRATCH}'/" "$CONF" >"${TMP_ROOT}/conf/configuration.py"
grep -q "'NAME': '${SCRATCH}'" "${TMP_ROOT}/conf/configuration.py"

psql_admin -c "DROP DATABASE IF EXISTS ${SCRATCH}"
psql_admin -c "CREATE DATABASE ${SCRATCH} OWNER netbox"
log "migrating a scratch database with netbox ${VERSION} (takes minutes)"
start=$(date +%s)
(cd "$TMP_ROOT" && NETBOX_ROOT="$TMP_ROOT" "${VENV}/bin/netbox" migrate --no-input) >"${TMP_ROOT}/migrate.log" 2>&1 || {
  tail -n 40 "${TMP_ROOT}/migrate.log" >&2; exit 1; }
log "migrated in $(( $(date +%s) - start ))s; dumping"
mkdir -p "$OUT"
runuser -u postgres -- pg_dump -p "$PG_PORT" --no-owner --no-privileges "$SCRATCH" | gzip -9n >"${OUT}/empty-db.sql.gz"
echo "$VERSION" >"${OUT}/empty-db.version"
psql_admin -c "DROP DATABASE ${SCRATCH}"
log "wrote ${OUT}/empty-db.sql.gz ($(stat -c %s "${OUT}/empty-db.sql.gz") bytes) for ${VERSION}"
