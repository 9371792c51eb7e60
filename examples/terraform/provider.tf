# The alicloud provider pointed at an emulator on 127.0.0.1:8080 (`cargo run --release`);
# main.tf declares the resources, apply.sh applies them and checks a clean second plan.
variable "protocol" {
  description = "HTTPS against an emulator started with --tls (apply.sh: HTTPS=1)"
  type        = string
  default     = "HTTP"
}

provider "alicloud" {
  # The root key of the emulator's default fixtures.
  access_key = "LTAI5tEmulatorRootKey"
  secret_key = "EmulatorRootSecret"
  region     = "cn-hangzhou"
  # With HTTPS the provider trusts the emulator's CA through SSL_CERT_FILE (apply.sh).
  protocol               = var.protocol
  skip_region_validation = true
  account_type           = "Domestic"
  # host:port, no scheme: the provider adds it from `protocol`. ECS answers the zone reads.
  endpoints {
    vpc = "127.0.0.1:8080"
    ecs = "127.0.0.1:8080"
  }
}
