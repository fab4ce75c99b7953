# netbot: the three binaries (tickets, netbot, threader) in one small image, run as a
# non-root user (65532). Without a command it runs the bot (`netbot run`); compose.yaml runs
# `threader --every 5m` from the same image.
#
# With internet access, the default route compiles everything:
#   docker build -t netbot .
# With binaries already built (`cargo build --release --locked --bin tickets --bin netbot
# --bin threader`), skip the compile and the Rust image:
#   docker build --target prebuilt -t netbot .
# CI (scripts/image/build-and-run.sh) takes that route with its own base made from Debian
# packages, as no registry is reachable there:
#   podman build --target prebuilt --build-arg RUNTIME_BASE=localhost/netbot-base:… \
#     --build-arg BINARIES=. -t netbot CONTEXT_WITH_THE_THREE_BINARIES
#
# RUNTIME_BASE must provide glibc, libgcc_s and the CA roots (distroless/cc does; so does
# debian:bookworm-slim, at about 75 MB more). The user is numeric so any base works.

ARG BUILDER_BASE=docker.io/library/rust:1-bookworm
ARG RUNTIME_BASE=gcr.io/distroless/cc-debian12:nonroot

# The runtime, shared by both routes.
FROM ${RUNTIME_BASE} AS runtime
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
