#!/usr/bin/env bash
# The aliyun CLI against an emulator on 127.0.0.1:8080: a profile with the default fixtures'
# root key; --endpoint is host:port (no scheme) and --insecure means plain HTTP.
set -euo pipefail
aliyun configure set --profile emulator --mode AK --region cn-hangzhou \
  --access-key-id LTAI5tEmulatorRootKey --access-key-secret EmulatorRootSecret
emu=(--profile emulator --endpoint 127.0.0.1:8080 --insecure)
aliyun vpc ModifySslVpnClientCert --RegionId cn-hangzhou \
  --SslVpnClientCertId vsc-bp1emulator0000000001 --Name renamed-by-cli "${emu[@]}"
# The VPC lists page by PageNumber: `--pager NextToken=` stops the pager following NextToken.
aliyun vpc DescribeVpcs --RegionId cn-hangzhou --PageSize 1 --pager NextToken= "${emu[@]}"
