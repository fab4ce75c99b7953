#!/usr/bin/env bash
# Install and start a real Redmine 6.0 on loopback for contract tests, beside the Redmine 5.0
# of scripts/redmine/start.sh. Debian trixie's `redmine` package (6.0.5, Rails 7.2, Ruby 3.3,
# SQLite) in a chroot made by mmdebstrap from the machine's Debian mirror, served by puma.
# Idempotent; run as root. Prints at the end:
#   REDMINE6_CONTRACT_URL=http://127.0.0.1:PORT
#   REDMINE6_CONTRACT_ADMIN_KEY=<40 hex>
# Env: REDMINE6_PORT (default 3006), REDMINE6_ADMIN_KEY (default: the Redmine 5 default),
#      REDMINE6_THREADS (puma's min:max threads, default 1:4),
#      NETBOT_CI_CACHE (default /var/cache/netbot-ci; the chroot is kept there, ~320 MB),
#      REDMINE6_MIRROR (default http://deb.debian.org/debian).
# The chroot, its SQLite database included, is made once (about 2.5 min) and reused; the
# server runs in a private mount namespace (only /proc is mounted in it, and that mount goes
# away with the server), so nothing stays mounted under the cache.
set -euo pipefail

PORT="${REDMINE6_PORT:-3006}"
KEY="${REDMINE6_ADMIN_KEY:-0123456789abcdef0123456789abcdef01234567}"
THREADS="${REDMINE6_THREADS:-1:4}"
MIRROR="${REDMINE6_MIRROR:-http://deb.debian.org/debian}"
CACHE="${NETBOT_CI_CACHE:-/var/cache/netbot-ci}"
URL="http://127.0.0.1:${PORT}"
APP=/usr/share/redmine
LOG="/tmp/redmine6-${PORT}.log"
PIDFILE="/tmp/redmine6-${PORT}.pid"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
START_TS=$(date +%s)

log() { echo "[redmine6/start.sh] $*" >&2; }
fail() {
  log "FAILED: $*"
  exit 1
}

done_ok() {
  log "ready at ${URL} after $(($(date +%s) - START_TS))s"
  echo "REDMINE6_CONTRACT_URL=${URL}"
  echo "REDMINE6_CONTRACT_ADMIN_KEY=${KEY}"
  exit 0
}

status_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
    -H "X-Redmine-API-Key: ${KEY}" "${URL}/users/current.json" 2>/dev/null || true
}

# What configure.rb sets up last (the threader's issue fields).
configured() {
  curl -s --max-time 10 -H "X-Redmine-API-Key: ${KEY}" "${URL}/custom_fields.json" 2>/dev/null |
    grep -q '"name":"Discord sync"'
}

[ "$(id -u)" = 0 ] || fail "must run as root (mmdebstrap, chroot, unshare)"
[[ "$KEY" =~ ^[0-9a-f]{40}$ ]] || fail "REDMINE6_ADMIN_KEY must be 40 lowercase hex chars"
[[ "$PORT" =~ ^[0-9]+$ ]] || fail "REDMINE6_PORT must be a number"
command -v curl >/dev/null || fail "curl is needed"

# 0. Already running with our key and configured? Nothing to do.
if [ "$(status_code)" = 200 ] && configured; then
  log "a Redmine already answers on ${URL} with the key"
  done_ok
fi

# 1. The chroot: trixie with redmine + SQLite, the instance's database made by the package's
#    own dbconfig-common (preseeded). Its name carries a hash of how it is made, so a change
#    below makes a new one instead of reusing a stale one.
PRESEED='redmine redmine/current-instances string default
redmine redmine/instances/default/dbconfig-install boolean true
redmine redmine/instances/default/database-type select sqlite3
redmine redmine/instances/default/default-language select en'
PACKAGES=redmine,redmine-sqlite,dbconfig-sqlite3,sqlite3,puma
MMDEBSTRAP=(mmdebstrap --quiet --variant=apt --include="$PACKAGES" trixie)
root_key="$(printf '%s\n' "${MMDEBSTRAP[*]}" "$MIRROR" "$PRESEED" | sha256sum | cut -c1-12)"
ROOT="${CACHE}/redmine6-${root_key}"

# One maker at a time (a second start.sh waits here, then reuses what the first made).
mkdir -p "$CACHE"
exec 9>"${CACHE}/redmine6.lock"
flock 9
if [ -f "${ROOT}/.netbot-complete" ]; then
  log "reusing the chroot ${ROOT}"
else
  if ! command -v mmdebstrap >/dev/null; then
    log "installing mmdebstrap"
    command -v apt-get >/dev/null || fail "mmdebstrap missing and no apt-get to install it"
    export DEBIAN_FRONTEND=noninteractive
    # One apt at a time: scripts/redmine/start.sh and scripts/netbox/start.sh may be
    # installing beside us (CI starts them together).
    apt_install() {
      flock /tmp/netbot-apt.lock apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends mmdebstrap >/tmp/redmine6-apt.log 2>&1
    }
    if ! apt_install; then
      flock /tmp/netbot-apt.lock apt-get -o DPkg::Lock::Timeout=300 update -qq || true
      apt_install || {
        tail -n 30 /tmp/redmine6-apt.log >&2
        fail "apt-get could not install mmdebstrap (log: /tmp/redmine6-apt.log)"
      }
    fi
  fi
  partial="${ROOT}.partial"
  # A partial root from an interrupted run: mmdebstrap wants an empty directory. Nothing is
  # mounted in it (mmdebstrap and the server run in private mount namespaces); check anyway.
  if [ -e "$partial" ]; then
    grep -q " ${partial}/" /proc/self/mounts && fail "${partial} has something mounted; unmount it first"
    rm -rf --one-file-system "$partial"
  fi
  preseed_file="$(mktemp /tmp/redmine6-preseed.XXXXXX)"
  printf '%s\n' "$PRESEED" >"$preseed_file"
  log "making the trixie chroot ${ROOT} (mmdebstrap, about 2.5 min; log: /tmp/redmine6-mmdebstrap.log)"
  t0=$(date +%s)
  # In a private mount namespace too, so that the /proc, /sys and /dev mmdebstrap mounts in the
  # new root go away with it even if it is killed.
  if ! unshare --mount --propagation private -- "${MMDEBSTRAP[@]}" \
    --essential-hook="chroot \"\$1\" debconf-set-selections < '$preseed_file'" \
    "$partial" "$MIRROR" >/tmp/redmine6-mmdebstrap.log 2>&1; then
    rm -f "$preseed_file"
    tail -n 60 /tmp/redmine6-mmdebstrap.log >&2
    fail "mmdebstrap could not make the trixie chroot (log: /tmp/redmine6-mmdebstrap.log)"
  fi
  rm -f "$preseed_file"
  log "chroot made in $(($(date +%s) - t0))s"
  [ -f "${partial}/etc/redmine/default/database.yml" ] ||
    fail "${partial}/etc/redmine/default/database.yml missing: dbconfig did not set up the instance"
  touch "${partial}/.netbot-complete"
  mv "$partial" "$ROOT"
fi
flock -u 9
exec 9>&-

DBYML="${ROOT}/etc/redmine/default/database.yml"
[ -f "$DBYML" ] || fail "$DBYML missing"
# SQLite waits for a lock instead of failing at once (as for Redmine 5; puma runs threads).
if ! grep -q '^  timeout:' "$DBYML"; then
  sed -i 's/^  adapter: sqlite3$/  adapter: sqlite3\n  timeout: 10000/' "$DBYML"
fi

# Runs a command as www-data in the chroot, in a private mount namespace with its own /proc.
in_chroot() {
  unshare --mount --propagation private -- /bin/sh -c '
    root="$1"; shift
    mount -t proc proc "$root/proc" && exec chroot "$root" "$@"' \
    sh "$ROOT" /bin/sh -c 'cd "$0" && exec runuser -u www-data -- "$@"' "$APP" \
    env -i PATH=/usr/local/bin:/usr/bin:/bin REDMINE_INSTANCE=default RAILS_ENV=production \
    HOME=/tmp LANG=C.UTF-8 "$@"
}

# 2. Configure in one rails boot: the same configure.rb as Redmine 5 (it works unchanged on
#    6.0.5: REST on, login required, admin key, the "Discord ..." custom fields).
cp "${HERE}/../redmine/configure.rb" "${ROOT}/tmp/netbot-configure.rb"
chmod 644 "${ROOT}/tmp/netbot-configure.rb"
log "configuring (rails runner scripts/redmine/configure.rb)"
in_chroot REDMINE_ADMIN_KEY="$KEY" bundle exec rails runner /tmp/netbot-configure.rb >&2 ||
  fail "configure.rb failed in the chroot (Rails log: ${ROOT}/var/log/redmine/default/production.log)"

# The key may now be valid on a server that was already running.
if [ "$(status_code)" = 200 ]; then
  log "existing server accepts the key now"
  done_ok
fi
if curl -s -o /dev/null --max-time 5 "${URL}/" 2>/dev/null; then
  fail "something else answers on ${URL} but rejects the admin key; refusing to start"
fi

# 3. Start puma in the background.
: >"$LOG"
log "starting puma ${THREADS} threads on ${URL} (log: ${LOG})"
# Its own session: `kill -- -$(cat $PIDFILE)` stops it (runuser, puma and the namespace).
export ROOT APP
export -f in_chroot
(
  nohup setsid bash -c 'in_chroot "$@"' in_chroot \
    puma -e production -b "tcp://127.0.0.1:${PORT}" -t "$THREADS" config.ru \
    >>"$LOG" 2>&1 </dev/null &
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
tail -n 60 "$LOG" >&2
fail "Redmine 6 did not answer 200 on ${URL}/users/current.json (log above: ${LOG}; Rails log: ${ROOT}/var/log/redmine/default/production.log)"
