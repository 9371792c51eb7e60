#!/usr/bin/env bash
# Applies provider.tf and main.tf against a local emulator, checks that a second plan is clean,
# and destroys.
# Needs `tofu` (or `terraform`) on PATH. HTTPS=1, for an emulator started with --tls: the
# provider speaks HTTPS and trusts the emulator's CA through SSL_CERT_FILE.
set -euo pipefail
cd "$(dirname "$0")"
tf=$(command -v tofu || command -v terraform)
protocol=HTTP
if [ "${HTTPS:-0}" = 1 ]; then
  curl -fsS http://127.0.0.1:8080/_emulator/ca.pem > emulator-ca.pem
  export SSL_CERT_FILE="$PWD/emulator-ca.pem"
  protocol=HTTPS
fi
"$tf" init -input=false
"$tf" apply -input=false -auto-approve -var "protocol=$protocol"
"$tf" plan -input=false -detailed-exitcode -var "protocol=$protocol"   # exit 0: nothing to change
"$tf" destroy -input=false -auto-approve -var "protocol=$protocol"
