# aliyun-vpc-emulator: a small image for CI service containers.
#
#   docker build -t aliyun-vpc-emulator .
#   docker run -p 8080:8080 aliyun-vpc-emulator
#
# Fixtures:   -v "$PWD/fixtures.json:/fixtures.json:ro" -e VPC_EMULATOR_FIXTURES=/fixtures.json
# State file: -v "$PWD/state:/data" -e VPC_EMULATOR_STATE_FILE=/data/state.json

# The runtime base is named once before the build stage, in a stage nothing uses: the
# image check here (../shared/tools/container-check) makes the base images in the order of the
# FROM lines, and making the Rust one reads away the rest of its list, so a base named only
# after it is never made on a fresh machine. A real engine skips the unused stage.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime-base

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src

# Dependencies first, in their own layer: a change in src/ does not rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --release --locked --bin aliyun-vpc-emulator \
    && rm -rf src

COPY fixtures ./fixtures
COPY src ./src
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked --bin aliyun-vpc-emulator \
    && mkdir -p /out/data \
    && cp target/release/aliyun-vpc-emulator /out/

# glibc and libgcc, no shell, no package manager.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/aliyun-vpc-emulator /usr/local/bin/aliyun-vpc-emulator
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV VPC_EMULATOR_HOST=0.0.0.0 \
    VPC_EMULATOR_PORT=8080
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 \
    CMD ["/usr/local/bin/aliyun-vpc-emulator", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/aliyun-vpc-emulator"]
