# The alicloud provider pointed at an emulator on 127.0.0.1:8080 (`cargo run --release`):
# a VPC in a zone chosen by data "alicloud_zones", a vSwitch, a VPN gateway with SSL-VPN,
# an SSL-VPN server and a client certificate. `tofu apply`, then `tofu plan` shows no change.
terraform {
  required_providers {
    alicloud = { source = "aliyun/alicloud" }
  }
}

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

data "alicloud_zones" "vsw" {
  available_resource_creation = "VSwitch"
}

resource "alicloud_vpc" "main" {
  vpc_name   = "tf-vpc"
  cidr_block = "172.16.0.0/12"
}

resource "alicloud_vswitch" "main" {
  vswitch_name = "tf-vsw"
  vpc_id       = alicloud_vpc.main.id
  cidr_block   = "172.16.10.0/24"
  zone_id      = data.alicloud_zones.vsw.zones[0].id
}

resource "alicloud_vpn_gateway" "main" {
  vpn_gateway_name = "tf-gw"
  vpc_id           = alicloud_vpc.main.id
  vswitch_id       = alicloud_vswitch.main.id
  bandwidth        = 5
  enable_ssl       = true
  ssl_connections  = 5
  payment_type     = "PayAsYouGo"
}

resource "alicloud_ssl_vpn_server" "main" {
  name           = "tf-ssl"
  vpn_gateway_id = alicloud_vpn_gateway.main.id
  client_ip_pool = "192.168.50.0/24"
  local_subnet   = "172.16.10.0/24"
}

resource "alicloud_ssl_vpn_client_cert" "alice" {
  ssl_vpn_server_id = alicloud_ssl_vpn_server.main.id
  name              = "alice"
}

output "client_config" {
  value     = alicloud_ssl_vpn_client_cert.alice.client_config
  sensitive = true
}
