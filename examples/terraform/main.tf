# What the provider of provider.tf creates in the emulator: a VPC in a zone chosen by
# data "alicloud_zones", a vSwitch, a VPN gateway with SSL-VPN, an SSL-VPN server and a client
# certificate. `tofu apply`, then `tofu plan` shows no change.
terraform {
  required_providers {
    alicloud = { source = "aliyun/alicloud" }
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
