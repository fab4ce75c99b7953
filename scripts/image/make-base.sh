#!/usr/bin/env bash
# The image's runtime, distroless-style, taken out of a Debian bookworm root (the Dockerfile
# runs it in debian:bookworm-slim with ca-certificates installed): what the release binaries
# link against (`ldd`: libc, libm, libgcc_s, the loader; rustls, so no OpenSSL), the CA roots,
# /etc/passwd with `nonroot` (65532, as distroless), a 1777 /tmp (the threader's lock file)
# and nothing else: no shell, no package manager. About 3.7 MB.
#
# Usage: make-base.sh SOURCE_ROOT DIRECTORY
set -euo pipefail
source_root="${1:?usage: make-base.sh SOURCE_ROOT DIRECTORY}"
root="${2:?usage: make-base.sh SOURCE_ROOT DIRECTORY}"
mkdir -p "$root"

# Files, not folders, so that merged-/usr roots (bookworm-slim) and unpacked packages (the
# minbase variant) give the same tree; symlinks are followed.
libraries=(
  ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libgcc_s.so.1 libresolv.so.2 libnss_dns.so.2
  libnss_files.so.2 libpthread.so.0 libdl.so.2 librt.so.1 libutil.so.1
)
install -d -m 0755 "$root/lib/x86_64-linux-gnu" "$root/lib64" "$root/etc/ssl/certs" \
  "$root/usr/lib" "$root/usr/local/bin" "$root/proc" "$root/sys" "$root/dev" "$root/etc/netbot"
for library in "${libraries[@]}"; do
  cp -L "$source_root/lib/x86_64-linux-gnu/$library" "$root/lib/x86_64-linux-gnu/"
done
ln -sf /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
cp -L "$source_root/usr/lib/os-release" "$root/usr/lib/"
ln -sf ../usr/lib/os-release "$root/etc/os-release"
for file in debian_version host.conf protocols services rpc; do
  cp -L "$source_root/etc/$file" "$root/etc/"
done
for package in base-files ca-certificates gcc-12-base libc6 netbase; do
  install -D -m 0644 "$source_root/usr/share/doc/$package/copyright" \
    "$root/usr/share/doc/$package/copyright"
done

# The bundle update-ca-certificates writes (reqwest and serenity carry webpki roots compiled
# in; this is for parity with distroless and for anything else that looks there).
cat "$source_root"/usr/share/ca-certificates/mozilla/*.crt >"$root/etc/ssl/certs/ca-certificates.crt"

cat >"$root/etc/passwd" <<'END'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
END
cat >"$root/etc/group" <<'END'
root:x:0:
nogroup:x:65534:
nonroot:x:65532:
END
cat >"$root/etc/nsswitch.conf" <<'END'
passwd: files
group: files
hosts: files dns
END
install -d -m 0700 "$root/root"
install -d -m 0700 -o 65532 -g 65532 "$root/home/nonroot"
install -d -m 1777 "$root/tmp"

