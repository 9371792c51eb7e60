#!/usr/bin/env bash
# The emulator as a container, in a checkout of this repository (needs Docker).
set -euo pipefail
docker build -t aliyun-vpc-emulator .
docker run --rm -p 8080:8080 aliyun-vpc-emulator   # the embedded default fixtures on port 8080
