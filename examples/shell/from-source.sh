# In a checkout of this repository, with Rust 1.95 (rust-toolchain.toml pins it):
cargo run --release      # serve the embedded default fixtures on http://127.0.0.1:8080
./scripts/test           # run every test, as CI does (.ci/run is exactly ./scripts/test)
cargo install --path .   # put aliyun-vpc-emulator on PATH (~/.cargo/bin), for the Go and Java helpers
