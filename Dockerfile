# netbot: the Discord bot and the CLIs in one small image.
# Untested in this workplace (it has no container engine); the binaries are what CI tests.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin netbot --bin tickets

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /netbot netbot
COPY --from=build /src/target/release/netbot /src/target/release/tickets /usr/local/bin/
USER netbot
WORKDIR /netbot
ENV RUST_LOG=info
ENTRYPOINT ["netbot"]
CMD ["run"]
