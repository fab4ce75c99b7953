#!/usr/bin/env bash
# CI: checks the deployment files a newcomer copies: the systemd units in contrib/systemd
# (`systemd-analyze verify`, no warning allowed, and `systemd-analyze security` below 2.0),
# the cron line in contrib/cron, and compose.yaml (parsed, and the services, commands, files,
# restart policy and log rotation the README promises).
#
# systemd-analyze comes with the `systemd` package, installed if missing (root and apt); where
# it cannot be, that check skips with a message. The rest needs python3 with PyYAML.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

fail() {
  echo "scripts/image/check-deploy: $*" >&2
  exit 1
}

echo "== deploy: systemd units"
if ! command -v systemd-analyze >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y \
    --no-install-recommends systemd >/dev/null || true
fi
if command -v systemd-analyze >/dev/null; then
  # An offline root: the units where an administrator puts them, the binaries they start
  # (stand-ins: verify insists they exist) and the system's own units they refer to.
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/usr/local/bin" "$root/etc/systemd/system" "$root/usr/lib/systemd"
  for binary in netbot threader; do
    printf '#!/bin/sh\n' >"$root/usr/local/bin/$binary"
    chmod +x "$root/usr/local/bin/$binary"
  done
  cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
  cp contrib/systemd/*.service contrib/systemd/*.timer "$root/etc/systemd/system/"
  units=(netbot.service netbot-threader.service netbot-threader.timer)
  # verify exits 0 on an unknown key or a misspelt section, and only warns: so any output fails.
  warnings="$(systemd-analyze verify --root="$root" "${units[@]/#/$root/etc/systemd/system/}" 2>&1)" ||
    fail "systemd-analyze verify failed: $warnings"
  [ -z "$warnings" ] || fail "systemd-analyze verify warns: $warnings"
  for unit in netbot.service netbot-threader.service; do
    systemd-analyze security --offline=true --root="$root" --threshold=20 "$unit" >/dev/null 2>&1 ||
      fail "$unit is exposed above 2.0: $(systemd-analyze security --offline=true --root="$root" "$unit" 2>&1 | tail -n 1)"
    echo "$unit: $(systemd-analyze security --offline=true --root="$root" "$unit" 2>&1 | tail -n 1)"
    grep -qx 'DynamicUser=yes' "contrib/systemd/$unit" || fail "$unit does not run as a dynamic user"
  done
  grep -qx 'OnUnitActiveSec=5min' contrib/systemd/netbot-threader.timer ||
    fail "netbot-threader.timer does not start the threader every 5 minutes"
  echo "systemd units verified"
else
  echo "scripts/image/check-deploy: SKIPPED the systemd units: no systemd-analyze and it cannot be installed" >&2
fi

echo "== deploy: cron line"
# m h dom mon dow user command: every 5 minutes, not as root, the threader from /etc/netbot.
line="$(grep -vE '^\s*(#|$|[A-Z]+=)' contrib/cron/netbot-threader)"
[ "$(printf '%s\n' "$line" | wc -l)" = 1 ] || fail "contrib/cron/netbot-threader must hold one job"
read -r minute hour day month weekday user command <<<"$line"
[ "$minute $hour $day $month $weekday" = "*/5 * * * *" ] || fail "the cron job is not every 5 minutes"
[ "$user" != root ] || fail "the cron job runs as root"
case "$command" in *"cd /etc/netbot && threader"*) ;; *) fail "the cron job does not run threader from /etc/netbot" ;; esac
echo "cron: every 5 minutes as $user"

echo "== deploy: compose.yaml"
python=python3
if ! "$python" -c 'import yaml' 2>/dev/null; then
  python=/usr/bin/python3
  if ! "$python" -c 'import yaml' 2>/dev/null && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y \
      --no-install-recommends python3-yaml >/dev/null || true
  fi
  "$python" -c 'import yaml' 2>/dev/null || fail "no python3 with PyYAML to read compose.yaml"
fi
"$python" - compose.yaml <<'EOF'
import sys
import yaml

path = sys.argv[1]
with open(path) as file:
    compose = yaml.safe_load(file)  # resolves the x-netbot anchor and `<<` merges


def fail(message):
    sys.exit(f"{path}: {message}")


services = compose.get("services") or {}
if set(services) != {"bot", "threader"}:
    fail(f"services are {sorted(services)}, not bot and threader")
expected = {"bot": ["netbot", "run"], "threader": ["threader", "--every", "15s"]}
images = set()
for name, service in services.items():
    if service.get("command") != expected[name]:
        fail(f"{name} runs {service.get('command')}, not {expected[name]}")
    images.add(service.get("image"))
    if service.get("env_file") != ".env":
        fail(f"{name} does not read .env")
    if "./netbot.toml:/etc/netbot/netbot.toml:ro" not in service.get("volumes", []):
        fail(f"{name} does not mount netbot.toml read-only")
    if (service.get("environment") or {}).get("NETBOT_CONFIG") != "/etc/netbot/netbot.toml":
        fail(f"{name} does not point NETBOT_CONFIG at the mounted netbot.toml")
    if service.get("restart") not in ("unless-stopped", "always", "on-failure"):
        fail(f"{name} has no restart policy")
    logging = service.get("logging") or {}
    options = logging.get("options") or {}
    if logging.get("driver") != "json-file" or "max-size" not in options or "max-file" not in options:
        fail(f"{name} has no log rotation (json-file with max-size and max-file)")
    if not service.get("read_only") or "/tmp" not in service.get("tmpfs", []):
        fail(f"{name} is not read-only with a /tmp for the threader's lock")
if len(images) != 1:
    fail(f"the services use different images: {sorted(map(str, images))}")
# The image has no curl: each long-running service probes its own /healthz through its
# binary's `health` subcommand, on the NETBOT_HEALTH_ADDR it serves.
for name, binary in (("bot", "netbot"), ("threader", "threader")):
    service = services[name]
    if (service.get("healthcheck") or {}).get("test") != ["CMD", binary, "health"]:
        fail(f"{name}'s healthcheck is not `{binary} health`")
    if not (service.get("environment") or {}).get("NETBOT_HEALTH_ADDR"):
        fail(f"{name} does not set NETBOT_HEALTH_ADDR for its healthcheck")
print("compose.yaml: bot and threader from", images.pop())
EOF
