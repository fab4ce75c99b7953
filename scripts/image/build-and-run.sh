#!/usr/bin/env bash
# CI: builds the runtime image from the Dockerfile's `prebuilt` route with the release
# binaries, a bookworm made by mmdebstrap standing in for debian:bookworm-slim (no registry is
# reachable here; the Dockerfile's stages are otherwise the ones people build), runs
# every binary in it as its non-root user with the same restrictions compose.yaml sets, and
# fails when the image is 50 MB or more.
#
# Needs root and apt the first time (podman, runc, mmdebstrap). Skips, exit 0 with a loud
# message, only when the engine cannot be installed; any other problem is a failure.
# The bookworm tarball is kept in $NETBOT_CI_CACHE (default /var/cache/netbot-ci) and
# imported once per machine; podman's layer cache keeps the apt step of the image's build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cache="${NETBOT_CI_CACHE:-/var/cache/netbot-ci}"
image="${NETBOT_CI_IMAGE:-localhost/netbot:ci}"
limit_bytes=$((50 * 1000 * 1000))

started=$SECONDS
step_started=$SECONDS
step() {
  echo "== image: $* (at $((SECONDS - started)) s, previous step $((SECONDS - step_started)) s)"
  step_started=$SECONDS
}
skip() {
  echo "scripts/image: SKIPPED, the container image was NOT built or run: $*" >&2
  exit 0
}
fail() {
  echo "scripts/image: $*" >&2
  exit 1
}

step "container engine"
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
if ((${#missing[@]})); then
  [ "$(id -u)" = 0 ] || skip "${missing[*]} missing and not root to install them"
  command -v apt-get >/dev/null || skip "${missing[*]} missing and no apt-get to install them"
  apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y \
      --no-install-recommends "${missing[@]}"
  }
  if ! apt_install; then
    apt-get -o DPkg::Lock::Timeout=300 update || true
    apt_install || skip "apt-get could not install ${missing[*]}"
  fi
fi
runtime="$(command -v runc)"
# podman-compose runs compose.yaml's own options below; without it only that step skips.
if ! command -v podman-compose >/dev/null && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y \
    --no-install-recommends podman-compose >/dev/null || true
fi

# crun fails on these machines; runc needs no ulimits and cgroupfs.
mkdir -p "$cache"
export CONTAINERS_CONF="$cache/containers.conf"
cat >"$CONTAINERS_CONF" <<'EOF'
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
EOF
podman=(podman --runtime "$runtime")

step "base image"
# debian:bookworm-slim as Debian makes it, from packages: once per machine (about 1.5 min).
slim_command=(mmdebstrap --quiet --variant=minbase bookworm)
slim_key="$(printf '%s ' "${slim_command[@]}" | sha256sum | cut -c1-12)"
slim_tar="$cache/bookworm-minbase-$slim_key.tar"
slim_image="localhost/netbot-ci-bookworm:$slim_key"
if [ -s "$slim_tar" ]; then
  echo "reusing $slim_tar"
else
  command -v mmdebstrap >/dev/null || fail "mmdebstrap is needed to make $slim_tar"
  "${slim_command[@]}" "$slim_tar.partial.tar"
  mv "$slim_tar.partial.tar" "$slim_tar"
fi
if "${podman[@]}" image exists "$slim_image"; then
  echo "reusing $slim_image"
else
  "${podman[@]}" import --quiet "$slim_tar" "$slim_image" >/dev/null
fi

step "release binaries"
cargo build --release --locked --bin tickets --bin netbot --bin threader
# Where cargo put them (CARGO_TARGET_DIR, a cargo config or a wrapper may have chosen).
release="$(cargo metadata --no-deps --format-version 1 --locked |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/release"
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/bin" "$context/scripts/image"
for binary in tickets netbot threader; do
  cp "$release/$binary" "$context/bin/"
done
cp scripts/image/make-base.sh "$context/scripts/image/"

step "runtime image"
previous="$("${podman[@]}" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
"${podman[@]}" build --quiet --file Dockerfile --target prebuilt \
  --build-arg SLIM_BASE="$slim_image" --build-arg BINARIES=bin \
  --tag "$image" "$context" >/dev/null

# The previous run's image, untagged by this one, would pile up run after run.
if [ -n "$previous" ] && [ "$previous" != "$("${podman[@]}" image inspect --format '{{.Id}}' "$image")" ]; then
  "${podman[@]}" rmi "$previous" >/dev/null 2>&1 || true
fi

user="$("${podman[@]}" image inspect --format '{{.Config.User}}' "$image")"
case "${user%%:*}" in
  "" | 0 | root) fail "the image runs as '${user}', not as a non-root user" ;;
esac
echo "runs as user $user"

step "running the binaries in it"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
# As compose.yaml runs it: read-only root, a private /tmp, no capabilities, no privilege gain.
run() {
  "${podman[@]}" run --rm --network none --read-only --tmpfs /tmp --cap-drop ALL \
    --security-opt no-new-privileges "$image" "$@"
}
for binary in tickets netbot threader; do
  printf '%s --version: ' "$binary"
  out="$(run "$binary" --version)" || fail "$binary --version failed in the image"
  echo "$out"
  [ "$out" = "$binary $version" ] || fail "$binary --version printed '$out', not '$binary $version'"
done
whoami="$(run tickets --demo --json)" || fail "tickets --demo failed in the image"
echo "tickets --demo --json: $(printf '%s' "$whoami" | head -c 200)…"
case "$whoami" in '['*'"id"'*) ;; *) fail "tickets --demo --json printed no tickets" ;; esac
out="$(run tickets --demo)" || fail "tickets --demo failed in the image"
printf '%s\n' "$out" | head -n 3
out="$(run netbot sites --demo)" || fail "netbot sites --demo failed in the image"
printf '%s\n' "$out" | head -n 3
run threader --demo || fail "threader --demo failed in the image"

step "compose.yaml with this image"
if command -v podman-compose >/dev/null; then
  project="$(mktemp -d)"
  trap 'rm -rf "$context" "$project"' EXIT
  cp compose.yaml "$project/"
  # A guild id only the .env file holds, and a netbot.toml only the mount provides: the
  # threader's refusal names the one, so it read both, under compose's user, read-only root,
  # tmpfs, capabilities and log options.
  printf 'DISCORD_GUILD_ID=from-the-env-file\nDISCORD_TOKEN=x\nREDMINE_URL=http://127.0.0.1:9\nREDMINE_TOKEN=x\n' >"$project/.env"
  printf '[threader]\nchannel = 1\n' >"$project/netbot.toml"
  compose() {
    (cd "$project" && NETBOT_IMAGE="$image" podman-compose --podman-args "--runtime $runtime" \
      --project-name netbot-ci "$@")
  }
  # podman-compose 1.0 exits 0 whatever the container did, and prints "exit code: N".
  compose run --no-deps --rm threader threader --demo >"$project/demo.out" 2>&1 || true
  grep -q '^threader: .* 0 failed' "$project/demo.out" && grep -qx 'exit code: 0' "$project/demo.out" ||
    fail "threader --demo failed under compose: $(tail -n 5 "$project/demo.out")"
  compose run --no-deps --rm threader threader --dry-run >"$project/settings.out" 2>&1 || true
  grep -q "DISCORD_GUILD_ID must be the server's numeric id, not 'from-the-env-file'" "$project/settings.out" &&
    grep -qx 'exit code: 2' "$project/settings.out" ||
    fail "under compose the threader did not read .env and netbot.toml: $(tail -n 5 "$project/settings.out")"
  echo "threader --demo ran under compose; .env and the read-only netbot.toml reached it (a usage error, exit 2, as meant)"
  # podman-compose 1.0 leaves its network behind when no container is left to stop.
  "${podman[@]}" network rm --force netbot-ci_default >/dev/null 2>&1 || true
else
  echo "scripts/image: SKIPPED compose.yaml: podman-compose cannot be installed" >&2
fi

step "size"
size="$("${podman[@]}" image inspect --format '{{.Size}}' "$image")"
binaries_size="$(du -cb "$context"/bin/* | tail -n 1 | cut -f1)"
mb() { awk -v bytes="$1" 'BEGIN { printf "%.1f MB", bytes / 1000000 }'; }
echo "image $image: $(mb "$size") (the three binaries $(mb "$binaries_size"), the runtime $(mb $((size - binaries_size)))); limit $(mb "$limit_bytes")"
((size < limit_bytes)) || fail "the image is $(mb "$size"), over the $(mb "$limit_bytes") limit"
step "done"
