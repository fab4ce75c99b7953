#!/usr/bin/env bash
# Builds the runtime base CI uses in place of gcr.io/distroless/cc-debian12 (no image registry
# is reachable here): a tarball for `podman import`, from Debian bookworm's own packages, with
# what the release binaries link against (`ldd`: libc, libm, libgcc_s, the loader; rustls, so
# no OpenSSL), the CA roots, /etc/passwd with `nonroot` (65532, as distroless), a 1777 /tmp
# (the threader's lock file) and nothing else: no shell, no package manager.
#
# Usage: scripts/image/make-base.sh OUTPUT.tar      (root; about 20 s with a reachable mirror)
set -euo pipefail
output="${1:?usage: make-base.sh OUTPUT.tar}"
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# `extract`: the packages (and their hard dependencies) unpacked, no maintainer scripts run.
mmdebstrap --quiet --variant=extract \
  --include=libc6,libgcc-s1,ca-certificates,base-files,netbase \
  bookworm "$work/full" >&2

full="$work/full"
root="$work/root"
mkdir -p "$root"
# Keep only what a Rust binary needs; everything else (openssl, debconf, mawk, gconv, docs)
# stays behind.
keep=(
  lib64/ld-linux-x86-64.so.2
  lib/x86_64-linux-gnu
  usr/lib/os-release
  etc/os-release
  etc/debian_version
  etc/host.conf
  etc/protocols
  etc/services
  etc/rpc
)
# glibc's debugging and legacy libraries, and the vector maths library: nothing links them.
drop=(
  libBrokenLocale.so.1 libanl.so.1 libc_malloc_debug.so.0 libmemusage.so libmvec.so.1
  libnsl.so.1 libnss_compat.so.2 libnss_hesiod.so.2 libpcprofile.so libthread_db.so.1
)
for package in base-files ca-certificates gcc-12-base libc6 netbase; do
  keep+=("usr/share/doc/$package/copyright")
done
(cd "$full" && tar --create --no-recursion --files-from=<(
  for path in "${keep[@]}"; do
    # parents first, so directories keep their modes
    parent="$(dirname "$path")"
    while [ "$parent" != . ]; do echo "$parent"; parent="$(dirname "$parent")"; done | tac
    find "$path"
  done | awk '!seen[$0]++'
)) | tar --extract --directory "$root"
for library in "${drop[@]}"; do
  rm "$root/lib/x86_64-linux-gnu/$library"
done

# The CA bundle update-ca-certificates would have written (reqwest and serenity also carry
# webpki roots compiled in; this is for NETBOX_CA_CERT-less TLS tools and for parity with
# distroless).
mkdir -p "$root/etc/ssl/certs"
cat "$full"/usr/share/ca-certificates/mozilla/*.crt >"$root/etc/ssl/certs/ca-certificates.crt"

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
nonroot:x:65532:
EOF
cat >"$root/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
install -d -m 0700 "$root/root"
install -d -m 0700 -o 65532 -g 65532 "$root/home/nonroot"
install -d -m 1777 "$root/tmp"
install -d -m 0755 "$root/usr/local/bin" "$root/proc" "$root/sys" "$root/dev" "$root/etc/netbot"

tar --create --file "$output" --directory "$root" --numeric-owner --sort=name \
  --mtime=@0 .
echo "make-base: $(du -h "$output" | cut -f1) in $output" >&2
