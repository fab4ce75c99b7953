# netbot: the three binaries (tickets, netbot, threader) in one small image, run as a
# non-root user (65532). Without a command it runs the bot (`netbot run`); compose.yaml runs
# `threader --every 5m` from the same image.
#
# With internet access, the default route compiles everything:
#   docker build -t netbot .
# With binaries already built (`cargo build --release --locked --bin tickets --bin netbot
# --bin threader`), skip the compile and the Rust image:
#   docker build --target prebuilt -t netbot .
# CI (scripts/image/build-and-run.sh) takes that route with the same stages, substituting a
# bookworm made by mmdebstrap for debian:bookworm-slim (no registry is reachable there):
#   podman build --target prebuilt --build-arg SLIM_BASE=localhost/… --build-arg BINARIES=bin …
#
# The runtime is FROM scratch with what scripts/image/make-base.sh takes out of bookworm-slim:
# the C runtime (glibc, libgcc_s), the CA roots and a `nonroot` user, 3.7 MB, so the image is
# about 39 MB (on gcr.io/distroless/cc-debian12, about 23 MB, it would be about 58).

ARG BUILDER_BASE=docker.io/library/rust:1-bookworm
ARG SLIM_BASE=docker.io/library/debian:bookworm-slim

FROM ${SLIM_BASE} AS rootfs
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates netbase \
    && rm -rf /var/lib/apt/lists/*
COPY scripts/image/make-base.sh /usr/local/sbin/make-base.sh
RUN make-base.sh / /rootfs

# The runtime, shared by both routes: no shell, no package manager, user 65532.
FROM scratch AS runtime
COPY --from=rootfs /rootfs/ /
ENV RUST_LOG=info
WORKDIR /etc/netbot
USER 65532:65532
CMD ["netbot", "run"]

# Route 1: binaries from the build context (BINARIES is their folder in it). It comes before
# the compiling stage so that `--target prebuilt` never needs the Rust image.
FROM runtime AS prebuilt
ARG BINARIES=target/release
COPY --chmod=0755 ${BINARIES}/tickets ${BINARIES}/netbot ${BINARIES}/threader /usr/local/bin/

# Route 2 (the default): compile in the Rust image.
FROM ${BUILDER_BASE} AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin tickets --bin netbot --bin threader \
    && mkdir /out \
    && cp target/release/tickets target/release/netbot target/release/threader /out/

FROM runtime AS compiled
COPY --from=build /out/ /usr/local/bin/
