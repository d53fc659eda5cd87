# syntax=docker/dockerfile:1
# kenpo: a fully static (musl) binary on distroless. Build: docker build -t kenpo .
# Run:   docker run -p 8080:8080 -v kenpo-data:/data kenpo

FROM rust:1.95-bookworm AS builder
ARG TARGET=x86_64-unknown-linux-musl
RUN apt-get update \
 && apt-get install -y --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/* \
 && rustup target add ${TARGET}
# ring compiles C and assembly, and OpenSSL (passkeys, `vendored-openssl`) is built from
# source: the musl target needs the musl C compiler.
ENV CC_x86_64_unknown_linux_musl=musl-gcc \
    CARGO_TERM_COLOR=never
WORKDIR /src

# Dependencies first, against stub sources, so this layer is reused until Cargo.toml/Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && cargo build --release --locked --target ${TARGET} --features vendored-openssl \
 && rm -rf src

# The real sources. COPY keeps the context's mtimes, which may be older than the stub build:
# touch the crate roots so cargo rebuilds kenpo itself rather than reusing the stub.
COPY src ./src
COPY assets ./assets
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked --target ${TARGET} --features vendored-openssl

# The image's /data must already belong to nonroot (65532): a named volume is created from the
# image directory with its ownership, and distroless has no shell to chown at start-up.
RUN mkdir /data && chown 65532:65532 /data

# static-debian12 has CA certificates (mail-send loads them even for plain SMTP), tzdata and
# the nonroot user (uid/gid 65532), and nothing else: no shell, no libc.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=builder /src/target/x86_64-unknown-linux-musl/release/kenpo /kenpo
COPY --from=builder --chown=65532:65532 /data /data
ENV KENPO_DATA=/data/kenpo.redb \
    KENPO_LISTEN=0.0.0.0:8080
# Declared after the COPY: changes to a volume path after VOLUME are discarded.
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=5s CMD ["/kenpo", "healthcheck"]
ENTRYPOINT ["/kenpo"]
CMD ["serve"]
