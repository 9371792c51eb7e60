#!/usr/bin/env bash
# The aliyun CLI against a local emulator on 127.0.0.1:8080 (`cargo run --release`).
set -euo pipefail

# A profile with the root key of the default fixtures.
aliyun configure set --profile emulator --mode AK --region cn-hangzhou \
  --access-key-id LTAI5tEmulatorRootKey --access-key-secret EmulatorRootSecret

# --endpoint is host:port with no scheme; --insecure means plain HTTP.
emu=(--profile emulator --endpoint 127.0.0.1:8080 --insecure)
aliyun vpc DescribeSslVpnClientCerts --RegionId cn-hangzhou "${emu[@]}"
aliyun vpc ModifySslVpnClientCert --RegionId cn-hangzhou \
  --SslVpnClientCertId vsc-bp1emulator0000000001 --Name renamed-by-cli "${emu[@]}"

# Lists numbered by page: the CLI's --pager follows NextToken by default and would stop after
# the first page; `NextToken=` makes it page by PageNumber.
aliyun vpc DescribeVpcs --RegionId cn-hangzhou --PageSize 1 --pager NextToken= "${emu[@]}"

# HTTPS (an emulator started with --tls): drop --insecure and trust the emulator's CA.
# curl -fsS http://127.0.0.1:8080/_emulator/ca.pem > emulator-ca.pem
# SSL_CERT_FILE=emulator-ca.pem aliyun vpc DescribeRegions --profile emulator --endpoint 127.0.0.1:8080
