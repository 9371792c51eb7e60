//! The one JSON format of fixtures, `GET/PUT /_emulator/state` and the persistence file
//! (SPEC section 6). Keys are the API's own field names; unknown keys are refused.

use serde::{Deserialize, Serialize};

fn default_resources() -> Vec<String> {
    vec!["*".into()]
}
fn default_internet_ip() -> String {
    "127.0.0.1".into()
}
fn default_proto() -> String {
    "UDP".into()
}
fn default_port() -> u16 {
    1194
}
fn default_cipher() -> String {
    "AES-128-CBC".into()
}
fn default_client_ip_pool() -> String {
    "10.0.0.0/16".into()
}
fn default_local_subnet() -> String {
    "192.168.0.0/16".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct StateDoc {
    pub regions: Vec<Region>,
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    #[serde(default, rename = "VSwitches")]
    pub vswitches: Vec<VSwitch>,
    #[serde(default)]
    pub vpn_gateways: Vec<VpnGateway>,
    #[serde(default)]
    pub ssl_vpn_servers: Vec<SslVpnServer>,
    #[serde(default)]
    pub ssl_vpn_client_certs: Vec<SslVpnClientCert>,
    #[serde(default)]
    pub customer_gateways: Vec<CustomerGateway>,
    #[serde(default)]
    pub vpn_connections: Vec<VpnConnection>,
    #[serde(default)]
    pub vpn_route_entries: Vec<VpnRouteEntry>,
    /// Only in the persistence file (SPEC section 9): the remembered ClientTokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_tokens: Option<Vec<crate::idempotency::TokenDoc>>,
    /// Only in the persistence file: strict-mode nonces of the last 15 minutes (SPEC 13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_nonces: Option<Vec<crate::auth::NonceDoc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct Region {
    pub region_id: String,
    /// Defaults to `vpc.{RegionId}.aliyuncs.com`.
    #[serde(default)]
    pub region_endpoint: String,
    /// Defaults to the RegionId in both languages.
    #[serde(default)]
    pub local_names: LocalNames,
    /// The region's zone IDs; defaults to `<RegionId>-a` to `<RegionId>-k` (SPEC section 12).
    #[serde(default)]
    pub zones: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalNames {
    #[serde(rename = "zh-CN", default)]
    pub zh_cn: String,
    #[serde(rename = "en-US", default)]
    pub en_us: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct Account {
    pub account_id: String,
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
    #[serde(default)]
    pub users: Vec<User>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct AccessKey {
    pub access_key_id: String,
    pub access_key_secret: String,
    #[serde(default)]
    pub status: KeyStatus,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    #[default]
    Active,
    Inactive,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct User {
    pub user_name: String,
    /// Action patterns such as `vpc:Describe*`; none means no permission.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Resource IDs (or patterns); `*` is every resource.
    #[serde(default = "default_resources")]
    pub resources: Vec<String>,
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayStatus {
    Init,
    Provisioning,
    #[default]
    Active,
    Updating,
    Deleting,
}

impl GatewayStatus {
    /// The API's word for the status, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayStatus::Init => "init",
            GatewayStatus::Provisioning => "provisioning",
            GatewayStatus::Active => "active",
            GatewayStatus::Updating => "updating",
            GatewayStatus::Deleting => "deleting",
        }
    }
}

fn default_business_status() -> String {
    "Normal".into()
}
fn default_spec() -> String {
    "5M".into()
}
fn default_charge_type() -> String {
    "PostpayByFlow".into()
}
fn default_enable() -> String {
    "enable".into()
}
fn default_ssl_max_connections() -> u32 {
    5
}
fn default_network_type() -> String {
    "public".into()
}
fn default_vpn_type() -> String {
    "Normal".into()
}

/// A user tag: `{"Key", "Value"}` everywhere (SPEC section 12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// A VPN gateway with the fields of SPEC section 11; every key but the ID and the region is
/// optional, so files written before these keys existed still load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct VpnGateway {
    pub vpn_gateway_id: String,
    pub region_id: String,
    /// Empty in a file means the first account; filled in at load.
    #[serde(default)]
    pub account_id: String,
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default, rename = "VSwitchId")]
    pub vswitch_id: String,
    /// Defaults to the gateway's ID; filled in at load.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub status: GatewayStatus,
    #[serde(default = "default_business_status")]
    pub business_status: String,
    #[serde(default = "default_spec")]
    pub spec: String,
    /// `PostpayByFlow`, or `Prepay` for a subscription gateway.
    #[serde(default = "default_charge_type")]
    pub charge_type: String,
    #[serde(default = "default_enable")]
    pub ssl_vpn: String,
    #[serde(default = "default_enable")]
    pub ipsec_vpn: String,
    #[serde(default = "default_ssl_max_connections")]
    pub ssl_max_connections: u32,
    #[serde(default = "default_internet_ip")]
    pub internet_ip: String,
    #[serde(default = "default_network_type")]
    pub network_type: String,
    #[serde(default = "default_vpn_type")]
    pub vpn_type: String,
    /// False unless set: a gateway created without it reads back `false`, which Terraform's
    /// `auto_propagate` (Optional, not Computed) needs for a clean second plan (SPEC 11).
    #[serde(default)]
    pub auto_propagate: bool,
    #[serde(default)]
    pub enable_bgp: bool,
    /// Epoch milliseconds; defaults to load time.
    #[serde(default)]
    pub create_time: Option<i64>,
    /// Epoch milliseconds; defaults to CreateTime + 1 year for `Prepay`, else 4102444800000.
    #[serde(default)]
    pub end_time: Option<i64>,
    #[serde(default)]
    pub resource_group_id: String,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct SslVpnServer {
    pub ssl_vpn_server_id: String,
    pub region_id: String,
    #[serde(default)]
    pub account_id: String,
    pub vpn_gateway_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub resource_group_id: String,
    #[serde(default = "default_proto")]
    pub proto: String,
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default = "default_cipher")]
    pub cipher: String,
    #[serde(default = "default_client_ip_pool")]
    pub client_ip_pool: String,
    #[serde(default = "default_local_subnet")]
    pub local_subnet: String,
    #[serde(default)]
    pub compress: bool,
    #[serde(default)]
    pub enable_multi_factor_auth: bool,
    #[serde(default, rename = "IDaaSInstanceId")]
    pub idaas_instance_id: String,
    #[serde(default, rename = "IDaaSRegionId")]
    pub idaas_region_id: String,
    #[serde(default, rename = "IDaaSApplicationId")]
    pub idaas_application_id: String,
    /// Epoch milliseconds; defaults to load time (SPEC section 11).
    #[serde(default)]
    pub create_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_cert: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct SslVpnClientCert {
    pub ssl_vpn_client_cert_id: String,
    pub region_id: String,
    #[serde(default)]
    pub account_id: String,
    pub ssl_vpn_server_id: String,
    /// Defaults to the certificate's ID, as Create does.
    #[serde(default)]
    pub name: Option<String>,
    /// Epoch milliseconds; defaults to load time.
    #[serde(default)]
    pub create_time: Option<i64>,
    /// Epoch milliseconds; defaults to CreateTime + 1095 days.
    #[serde(default)]
    pub end_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<String>,
}

fn default_vpc_cidr() -> String {
    "172.16.0.0/12".into()
}
fn default_dns_hostname_status() -> String {
    "DISABLED".into()
}

/// A VPC (SPEC section 12). `CreationTime` is ISO 8601 UTC to the millisecond
/// ([`super::state_time`]); the API answers it to the second.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct Vpc {
    pub vpc_id: String,
    pub region_id: String,
    #[serde(default)]
    pub account_id: String,
    #[serde(default = "default_vpc_cidr")]
    pub cidr_block: String,
    #[serde(default)]
    pub vpc_name: String,
    #[serde(default)]
    pub description: String,
    /// Generated at load when absent, then part of the state.
    #[serde(default, rename = "VRouterId")]
    pub vrouter_id: String,
    #[serde(default)]
    pub route_table_id: String,
    #[serde(default)]
    pub resource_group_id: String,
    #[serde(default)]
    pub creation_time: String,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// CreateVpc's `UserCidr`, up to three blocks.
    #[serde(default)]
    pub user_cidrs: Vec<String>,
    /// `ENABLED` or `DISABLED` (CreateVpc's `EnableDnsHostname`).
    #[serde(default = "default_dns_hostname_status")]
    pub dns_hostname_status: String,
    /// CreationTime as epoch milliseconds, for the list order.
    #[serde(skip)]
    pub created_ms: i64,
}

/// A vSwitch (SPEC section 12); its region and account are its VPC's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct VSwitch {
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr_block: String,
    #[serde(default, rename = "VSwitchName")]
    pub vswitch_name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub creation_time: String,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Its VPC's, filled in at load.
    #[serde(skip)]
    pub region_id: String,
    #[serde(skip)]
    pub account_id: String,
    #[serde(skip)]
    pub created_ms: i64,
}

/// A customer gateway: the on-premises end of IPsec connections (SPEC 14). Every key but the
/// ID, the region and the address is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct CustomerGateway {
    pub customer_gateway_id: String,
    pub region_id: String,
    /// Empty in a file means the first account; filled in at load.
    #[serde(default)]
    pub account_id: String,
    /// The device's IPv4 address, unique in its account and region.
    pub ip_address: String,
    /// Defaults to the ID; filled in at load.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Only when one was given: the provider's `asn` reads 0 as a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asn: Option<u64>,
    #[serde(default)]
    pub auth_key: String,
    #[serde(default)]
    pub resource_group_id: String,
    /// Epoch milliseconds; defaults to load time.
    #[serde(default)]
    pub create_time: Option<i64>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

fn default_true() -> bool {
    true
}
fn default_ike_version() -> String {
    "ikev1".into()
}
fn default_ike_mode() -> String {
    "main".into()
}
fn default_enc_alg() -> String {
    "aes".into()
}
fn default_auth_alg() -> String {
    "md5".into()
}
fn default_pfs() -> String {
    "group2".into()
}
fn default_lifetime() -> u64 {
    crate::ipsec::DEFAULT_LIFETIME
}
fn default_local_asn() -> u64 {
    crate::ipsec::DEFAULT_LOCAL_ASN
}

/// A connection's IKE settings, keys as the API answers them (`IkeConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct IkeConfig {
    /// Made at create when none is given; in a file without one, derived from the ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psk: Option<String>,
    #[serde(default = "default_ike_version")]
    pub ike_version: String,
    #[serde(default = "default_ike_mode")]
    pub ike_mode: String,
    #[serde(default = "default_enc_alg")]
    pub ike_enc_alg: String,
    #[serde(default = "default_auth_alg")]
    pub ike_auth_alg: String,
    #[serde(default = "default_pfs")]
    pub ike_pfs: String,
    #[serde(default = "default_lifetime")]
    pub ike_lifetime: u64,
    /// Defaults to the VPN gateway's `InternetIp`; filled in at load.
    #[serde(default)]
    pub local_id: String,
    /// Defaults to the customer gateway's `IpAddress`; filled in at load.
    #[serde(default)]
    pub remote_id: String,
}

impl Default for IkeConfig {
    fn default() -> Self {
        IkeConfig {
            psk: None,
            ike_version: default_ike_version(),
            ike_mode: default_ike_mode(),
            ike_enc_alg: default_enc_alg(),
            ike_auth_alg: default_auth_alg(),
            ike_pfs: default_pfs(),
            ike_lifetime: default_lifetime(),
            local_id: String::new(),
            remote_id: String::new(),
        }
    }
}

/// A connection's IPsec (phase 2) settings (`IpsecConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct IpsecConfig {
    #[serde(default = "default_enc_alg")]
    pub ipsec_enc_alg: String,
    #[serde(default = "default_auth_alg")]
    pub ipsec_auth_alg: String,
    #[serde(default = "default_pfs")]
    pub ipsec_pfs: String,
    #[serde(default = "default_lifetime")]
    pub ipsec_lifetime: u64,
}

impl Default for IpsecConfig {
    fn default() -> Self {
        IpsecConfig {
            ipsec_enc_alg: default_enc_alg(),
            ipsec_auth_alg: default_auth_alg(),
            ipsec_pfs: default_pfs(),
            ipsec_lifetime: default_lifetime(),
        }
    }
}

/// A connection's health check (`HealthCheckConfig` in, `VcoHealthCheck` out); off, with no
/// addresses and zero interval and retries, unless configured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct HealthCheckConfig {
    #[serde(default)]
    pub enable: bool,
    #[serde(default)]
    pub dip: String,
    #[serde(default)]
    pub sip: String,
    #[serde(default)]
    pub interval: u64,
    #[serde(default)]
    pub retry: u64,
}

/// A connection's BGP settings (`BgpConfig` in, `VpnBgpConfig` out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct BgpConfig {
    #[serde(default)]
    pub enable_bgp: bool,
    #[serde(default = "default_local_asn")]
    pub local_asn: u64,
    #[serde(default)]
    pub tunnel_cidr: String,
    #[serde(default)]
    pub local_bgp_ip: String,
}

impl Default for BgpConfig {
    fn default() -> Self {
        BgpConfig {
            enable_bgp: false,
            local_asn: default_local_asn(),
            tunnel_cidr: String::new(),
            local_bgp_ip: String::new(),
        }
    }
}

/// An IPsec connection between a VPN gateway and a customer gateway, single tunnel (SPEC 14).
/// Its region and account are its gateway's; every key but the IDs and the subnets is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct VpnConnection {
    pub vpn_connection_id: String,
    pub region_id: String,
    #[serde(default)]
    pub account_id: String,
    pub vpn_gateway_id: String,
    pub customer_gateway_id: String,
    /// Defaults to the ID; filled in at load.
    #[serde(default)]
    pub name: Option<String>,
    pub local_subnet: String,
    pub remote_subnet: String,
    #[serde(default)]
    pub effect_immediately: bool,
    #[serde(default = "default_true")]
    pub enable_dpd: bool,
    #[serde(default = "default_true")]
    pub enable_nat_traversal: bool,
    #[serde(default = "default_true")]
    pub auto_config_route: bool,
    #[serde(default)]
    pub ike_config: IkeConfig,
    #[serde(default)]
    pub ipsec_config: IpsecConfig,
    #[serde(default)]
    pub health_check_config: HealthCheckConfig,
    #[serde(default)]
    pub bgp_config: BgpConfig,
    #[serde(default)]
    pub remote_ca_certificate: String,
    /// Epoch milliseconds; defaults to load time.
    #[serde(default)]
    pub create_time: Option<i64>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

fn default_weight() -> u32 {
    100
}
fn default_route_state() -> String {
    "normal".into()
}
fn default_overlay_mode() -> String {
    "Ipsec".into()
}

/// A destination route of a VPN gateway (SPEC 14): no ID of its own, it is its gateway,
/// destination and next hop (an IPsec connection of the gateway). Region and account are the
/// gateway's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct VpnRouteEntry {
    pub vpn_gateway_id: String,
    pub route_dest: String,
    pub next_hop: String,
    /// 100 (active) or 0 (standby).
    #[serde(default = "default_weight")]
    pub weight: u32,
    /// `published` (in the VPC's system route table) or `normal`.
    #[serde(default = "default_route_state")]
    pub state: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_overlay_mode")]
    pub overlay_mode: String,
    /// Epoch milliseconds; defaults to load time.
    #[serde(default)]
    pub create_time: Option<i64>,
    /// The route's key in the world's tables ([`VpnRouteEntry::key_of`]); filled in at load.
    #[serde(skip)]
    pub key: String,
    /// Its gateway's, filled in at load.
    #[serde(skip)]
    pub region_id: String,
    #[serde(skip)]
    pub account_id: String,
}

impl VpnRouteEntry {
    /// What identifies a route: its gateway, destination and next hop (a NUL between them,
    /// which none of the three may hold).
    pub fn key_of(gateway_id: &str, route_dest: &str, next_hop: &str) -> String {
        format!("{gateway_id}\0{route_dest}\0{next_hop}")
    }

    /// Fills in [`VpnRouteEntry::key`].
    pub fn with_key(mut self) -> Self {
        self.key = Self::key_of(&self.vpn_gateway_id, &self.route_dest, &self.next_hop);
        self
    }
}

/// What a log record names a deleted route by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct RouteKey {
    pub vpn_gateway_id: String,
    pub route_dest: String,
    pub next_hop: String,
}

#[cfg(test)]
mod tests {
    use super::GatewayStatus;

    #[test]
    fn a_status_word_is_its_serialized_form() {
        for s in [
            GatewayStatus::Init,
            GatewayStatus::Provisioning,
            GatewayStatus::Active,
            GatewayStatus::Updating,
            GatewayStatus::Deleting,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }
}
