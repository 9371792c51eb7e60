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
