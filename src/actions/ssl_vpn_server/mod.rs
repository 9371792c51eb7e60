//! Operations on SSL-VPN servers (SPEC section 11), one file each, and what they share: the
//! settings a Create or Modify may give, checked in SPEC 11's order, and the server's fields.

pub mod create;
pub mod delete;
pub mod list;
pub mod modify;

use serde_json::{Map, Value, json};

use crate::actions::{Call, parse_bool, parse_word};
use crate::cidr::Cidr;
use crate::error::ApiError;
use crate::names::CertName;
use crate::rules::{self, CIPHERS, PROTOS};
use crate::state::doc::{SslVpnServer, VpnGateway};

/// The multi-factor settings, in the order a missing one is named.
const IDAAS: [&str; 3] = ["IDaaSInstanceId", "IDaaSRegionId", "IDaaSApplicationId"];

/// The settings a CreateSslVpnServer or ModifySslVpnServer gives, each checked on its own (the
/// value stage of SPEC 3.3); absent or empty is "not given". The checks between values (pool
/// and subnet overlap, multi-factor completeness) are [`Settings::check_overlap`] and
/// [`Settings::check_idaas`].
#[derive(Debug, Default)]
pub(super) struct Settings<'a> {
    name: Option<CertName>,
    client_ip_pool: Option<(&'a str, Cidr)>,
    local_subnet: Option<(&'a str, Vec<Cidr>)>,
    port: Option<u16>,
    proto: Option<&'a str>,
    cipher: Option<&'a str>,
    compress: Option<bool>,
    multi_factor: Option<bool>,
    idaas: [Option<&'a str>; 3],
}

impl<'a> Settings<'a> {
    /// Checks, in SPEC 11's order: `Name`, `ClientIpPool`, `LocalSubnet`, (for a Create) their
    /// overlap, `Port`, `Proto`, `Cipher`, `Compress`, `EnableMultiFactorAuth`, (for a Create)
    /// the IDaaS values it needs. A Modify checks overlap and IDaaS values against the server
    /// they would make, once it is known to exist.
    pub(super) fn parse(call: &'a Call, create: bool) -> Result<Self, ApiError> {
        let params = call.params;
        let invalid = |name: &str| ApiError::InvalidParameter(name.to_owned());
        let name = call.name()?;
        let client_ip_pool = match params.filter("ClientIpPool") {
            None => None,
            Some(text) => Some((
                text,
                rules::client_ip_pool(text).ok_or_else(|| invalid("ClientIpPool"))?,
            )),
        };
        let local_subnet = match params.filter("LocalSubnet") {
            None => None,
            Some(text) => Some((
                text,
                rules::local_subnets(text).ok_or_else(|| invalid("LocalSubnet"))?,
            )),
        };
        if create
            && let (Some((_, pool)), Some((_, subnets))) = (&client_ip_pool, &local_subnet)
            && rules::pool_overlaps(*pool, subnets)
        {
            return Err(invalid("ClientIpPool"));
        }
        let port = match params.filter("Port") {
            None => None,
            Some(text) => Some(
                Some(text)
                    .filter(|t| t.len() <= 5 && t.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|t| t.parse::<u16>().ok())
                    .filter(|p| rules::server_port(*p))
                    .ok_or_else(|| invalid("Port"))?,
            ),
        };
        let proto = parse_word(params, "Proto", &PROTOS)?;
        let cipher = parse_word(params, "Cipher", &CIPHERS)?;
        let compress = parse_bool(params, "Compress")?;
        let multi_factor = parse_bool(params, "EnableMultiFactorAuth")?;
        let idaas = IDAAS.map(|name| params.filter(name));
        if create
            && multi_factor == Some(true)
            && let Some(i) = idaas.iter().position(Option::is_none)
        {
            return Err(invalid(IDAAS[i]));
        }
        Ok(Settings {
            name,
            client_ip_pool,
            local_subnet,
            port,
            proto,
            cipher,
            compress,
            multi_factor,
            idaas,
        })
    }

    /// The server with these settings applied over `server`.
    pub(super) fn apply(&self, server: &SslVpnServer) -> SslVpnServer {
        let mut s = server.clone();
        if let Some(name) = &self.name {
            s.name = name.clone().into_string();
        }
        if let Some((text, _)) = self.client_ip_pool {
            s.client_ip_pool = text.to_owned();
        }
        if let Some((text, _)) = self.local_subnet {
            s.local_subnet = text.to_owned();
        }
        if let Some(port) = self.port {
            s.port = port;
        }
        if let Some(proto) = self.proto {
            s.proto = proto.to_owned();
        }
        if let Some(cipher) = self.cipher {
            s.cipher = cipher.to_owned();
        }
        if let Some(compress) = self.compress {
            s.compress = compress;
        }
        if let Some(on) = self.multi_factor {
            s.enable_multi_factor_auth = on;
        }
        let [instance, region, application] = self.idaas;
        for (value, field) in [
            (instance, &mut s.idaas_instance_id),
            (region, &mut s.idaas_region_id),
            (application, &mut s.idaas_application_id),
        ] {
            if let Some(value) = value {
                value.clone_into(field);
            }
        }
        s
    }

    /// The pool must overlap none of the local subnets: `InvalidParameter` for `ClientIpPool`
    /// if this call gives it, else for `LocalSubnet` (SPEC 11).
    /// Only a call that gives one of the two is checked.
    pub(super) fn check_overlap(&self, server: &SslVpnServer) -> Result<(), ApiError> {
        if self.client_ip_pool.is_none() && self.local_subnet.is_none() {
            return Ok(());
        }
        let pool = Cidr::parse(&server.client_ip_pool);
        let overlap = server
            .local_subnet
            .split(',')
            .filter_map(Cidr::parse)
            .any(|subnet| pool.is_some_and(|pool| pool.overlaps(subnet)));
        if !overlap {
            return Ok(());
        }
        let name = if self.client_ip_pool.is_some() {
            "ClientIpPool"
        } else {
            "LocalSubnet"
        };
        Err(ApiError::InvalidParameter(name.to_owned()))
    }

    /// Multi-factor authentication on needs the three IDaaS values: `InvalidParameter` for the
    /// first one missing. Only a call that gives one of the four settings is checked.
    pub(super) fn check_idaas(&self, server: &SslVpnServer) -> Result<(), ApiError> {
        let touched = self.multi_factor.is_some() || self.idaas.iter().any(Option::is_some);
        if !touched || !server.enable_multi_factor_auth {
            return Ok(());
        }
        let values = [
            &server.idaas_instance_id,
            &server.idaas_region_id,
            &server.idaas_application_id,
        ];
        match IDAAS.iter().zip(values).find(|(_, v)| v.is_empty()) {
            Some((name, _)) => Err(ApiError::InvalidParameter((*name).to_owned())),
            None => Ok(()),
        }
    }

    /// Whether the change from `old` to `new` is more than a new name (which the gateway
    /// applies at once, without a busy window).
    pub(super) fn more_than_name(old: &SslVpnServer, new: &SslVpnServer) -> bool {
        let mut renamed = old.clone();
        renamed.name.clone_from(&new.name);
        renamed != *new
    }
}

/// Which answer a server's fields are for: ModifySslVpnServer's has no `IDaaSRegionId` (the
/// API's response model).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    List,
    Modify,
}

/// A server as DescribeSslVpnServers lists it, with its gateway's connection limit and public
/// IP; the IDaaS values only while multi-factor authentication is on.
pub(super) fn fields(
    s: &SslVpnServer,
    gateway: Option<&VpnGateway>,
    shape: Shape,
) -> Map<String, Value> {
    let mut out = Map::new();
    let value = json!({
        "RegionId": s.region_id,
        "SslVpnServerId": s.ssl_vpn_server_id,
        "VpnGatewayId": s.vpn_gateway_id,
        "Name": s.name,
        "ClientIpPool": s.client_ip_pool,
        "LocalSubnet": s.local_subnet,
        "Proto": s.proto,
        "Port": s.port,
        "Cipher": s.cipher,
        "Compress": s.compress,
        "CreateTime": s.create_time.unwrap_or(0),
        "Connections": 0,
        "MaxConnections": gateway.map_or(0, |g| g.ssl_max_connections),
        "InternetIp": gateway.map_or("", |g| g.internet_ip.as_str()),
        "EnableMultiFactorAuth": s.enable_multi_factor_auth,
    });
    if let Value::Object(map) = value {
        out = map;
    }
    if s.enable_multi_factor_auth {
        out.insert("IDaaSInstanceId".into(), json!(s.idaas_instance_id));
        if shape == Shape::List {
            out.insert("IDaaSRegionId".into(), json!(s.idaas_region_id));
        }
        out.insert("IDaaSApplicationId".into(), json!(s.idaas_application_id));
    }
    out.insert("ResourceGroupId".into(), json!(s.resource_group_id));
    out
}
