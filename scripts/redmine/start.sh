#!/usr/bin/env bash
# Install (Debian package, SQLite) and start a real Redmine on loopback for
# contract tests. Idempotent; run as root. Prints at the end:
#   REDMINE_CONTRACT_URL=http://127.0.0.1:PORT
#   REDMINE_CONTRACT_ADMIN_KEY=<40 hex>
# Env: REDMINE_PORT (default 3000), REDMINE_ADMIN_KEY (default below).
set -euo pipefail

PORT="${REDMINE_PORT:-3000}"
KEY="${REDMINE_ADMIN_KEY:-0123456789abcdef0123456789abcdef01234567}"
URL="http://127.0.0.1:${PORT}"
APP=/usr/share/redmine
LOG="/tmp/redmine-${PORT}.log"
PIDFILE="/tmp/redmine-${PORT}.pid"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
START_TS=$(date +%s)

log() { echo "[redmine/start.sh] $*" >&2; }

done_ok() {
  log "ready at ${URL} after $(( $(date +%s) - START_TS ))s"
  echo "REDMINE_CONTRACT_URL=${URL}"
  echo "REDMINE_CONTRACT_ADMIN_KEY=${KEY}"
  exit 0
}

status_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
    -H "X-Redmine-API-Key: ${KEY}" "${URL}/users/current.json" 2>/dev/null || true
}

if [ "$(id -u)" != 0 ]; then
  echo "start.sh must run as root" >&2
  exit 1
fi

# What configure.rb sets up that an older configure.rb did not (the threader's issue fields).
configured() {
  curl -s --max-time 10 -H "X-Redmine-API-Key: ${KEY}" "${URL}/custom_fields.json" 2>/dev/null \
    | grep -q '"name":"Discord sync"'
}

# 0. Already running with our key and configured? Nothing to do.
if [ "$(status_code)" = 200 ] && configured; then
  log "a Redmine already answers on ${URL}"
  done_ok
fi

# 1. Install the Debian package (SQLite backend), preseeded.
PKGS=(redmine redmine-sqlite dbconfig-sqlite3 sqlite3 thin curl)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  flock /tmp/netbot-apt.lock debconf-set-selections <<'SEL'
redmine redmine/current-instances string default
redmine redmine/instances/default/dbconfig-install boolean true
redmine redmine/instances/default/database-type select sqlite3
redmine redmine/instances/default/default-language select en
SEL
  export DEBIAN_FRONTEND=noninteractive
  # One apt at a time: scripts/netbox/start.sh may be installing beside us (CI starts both).
  flock /tmp/netbot-apt.lock apt-get update -qq
  flock /tmp/netbot-apt.lock apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/redmine-apt.log 2>&1 || {
    tail -n 60 /tmp/redmine-apt.log >&2
    echo "apt-get install failed (full log: /tmp/redmine-apt.log)" >&2
    exit 1
  }
fi
if [ ! -f /etc/redmine/default/database.yml ]; then
  echo "/etc/redmine/default/database.yml missing: dbconfig did not set up the instance" >&2
  exit 1
fi

# SQLite waits for a lock instead of failing at once (Redmine's default config has no timeout).
if ! grep -q '^  timeout:' /etc/redmine/default/database.yml; then
  sed -i 's/^  adapter: sqlite3$/  adapter: sqlite3\n  timeout: 10000/' /etc/redmine/default/database.yml
fi

# 2. Configure in one rails boot (REST on, login required, admin key, ...).
RB="$(mktemp /tmp/redmine-configure.XXXXXX.rb)"
trap 'rm -f "$RB"' EXIT
cp "${HERE}/configure.rb" "$RB"
chmod 644 "$RB"
log "configuring (rails runner)"
(cd "$APP" && runuser -u www-data -- env REDMINE_INSTANCE=default RAILS_ENV=production \
  REDMINE_ADMIN_KEY="$KEY" HOME=/tmp bundle exec rails runner "$RB") >&2

# The key may now be valid on a server that was already running.
if [ "$(status_code)" = 200 ]; then
  log "existing server accepts the key now"
  done_ok
fi
if curl -s -o /dev/null --max-time 5 "${URL}/" 2>/dev/null; then
  echo "something else answers on ${URL} but rejects the admin key; refusing to start" >&2
  exit 1
fi

# 3. Start the server in the background.
: >"$LOG"
chown www-data:www-data "$LOG"
log "starting rackup on ${URL} (log: ${LOG})"
(
  cd "$APP"
  nohup runuser -u www-data -- env REDMINE_INSTANCE=default RAILS_ENV=production HOME=/tmp \
    rackup -E production -o 127.0.0.1 -p "$PORT" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
)

for _ in $(seq 1 120); do
  if [ "$(status_code)" = 200 ]; then
    done_ok
  fi
  if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    log "server process died"
    break
  fi
  sleep 1
done
echo "Redmine did not answer 200 on ${URL}/users/current.json; last log lines:" >&2
tail -n 60 "$LOG" >&2
exit 1
