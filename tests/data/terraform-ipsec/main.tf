# The IPsec half against aliyun-vpc-emulator: a VPC, a vSwitch, a VPN gateway with IPsec, a
# customer gateway, a connection with explicit IKE and IPsec settings, and a destination route.
terraform {
  required_providers {
    alicloud = { source = "aliyun/alicloud" }
  }
}

variable "endpoint" { type = string }

provider "alicloud" {
  access_key             = "LTAI5tEmulatorRootKey"
  secret_key             = "EmulatorRootSecret"
  region                 = "cn-shanghai"
  protocol               = "HTTP"
  skip_region_validation = true
  account_type           = "Domestic"
  endpoints {
    vpc = var.endpoint
    ecs = var.endpoint
  }
}

resource "alicloud_vpc" "site" {
  vpc_name   = "ipsec-vpc"
  cidr_block = "172.16.0.0/12"
}

resource "alicloud_vswitch" "site" {
  vswitch_name = "ipsec-vsw"
  vpc_id       = alicloud_vpc.site.id
  cidr_block   = "172.16.10.0/24"
  zone_id      = "cn-shanghai-e"
}

resource "alicloud_vpn_gateway" "site" {
  vpn_gateway_name = "ipsec-gw"
  vpc_id           = alicloud_vpc.site.id
  vswitch_id       = alicloud_vswitch.site.id
  bandwidth        = 10
  enable_ssl       = false
  enable_ipsec     = true
  payment_type     = "PayAsYouGo"
}

resource "alicloud_vpn_customer_gateway" "office" {
  customer_gateway_name = "office"
  ip_address            = "203.0.113.50"
  asn                   = "65001"
  description           = "the office router"
  tags = {
    Created = "TF"
    site    = "office"
  }
}

resource "alicloud_vpn_connection" "office" {
  vpn_connection_name = "office-link"
  vpn_gateway_id      = alicloud_vpn_gateway.site.id
  customer_gateway_id = alicloud_vpn_customer_gateway.office.id
  local_subnet        = ["172.16.10.0/24"]
  remote_subnet       = ["10.0.0.0/24", "10.0.1.0/24"]
  effect_immediately  = true
  ike_config {
    ike_auth_alg = "sha1"
    ike_enc_alg  = "aes256"
    ike_version  = "ikev2"
    ike_mode     = "main"
    ike_pfs      = "group14"
    ike_lifetime = 28800
    psk          = "tf-testvpn1"
  }
  ipsec_config {
    ipsec_pfs      = "group5"
    ipsec_enc_alg  = "aes256"
    ipsec_auth_alg = "sha256"
    ipsec_lifetime = 3600
  }
  tags = {
    Created = "TF"
  }
}

resource "alicloud_vpn_route_entry" "office" {
  vpn_gateway_id = alicloud_vpn_gateway.site.id
  route_dest     = "10.0.0.0/24"
  next_hop       = alicloud_vpn_connection.office.id
  weight         = 100
  publish_vpc    = true
}

data "alicloud_vpn_customer_gateways" "office" {
  ids        = [alicloud_vpn_customer_gateway.office.id]
  depends_on = [alicloud_vpn_customer_gateway.office]
}

data "alicloud_vpn_connections" "office" {
  vpn_gateway_id = alicloud_vpn_gateway.site.id
  depends_on     = [alicloud_vpn_connection.office]
}

output "customer_gateway" { value = data.alicloud_vpn_customer_gateways.office.gateways[0] }
output "connection_ike" { value = data.alicloud_vpn_connections.office.connections[0].ike_config }
