//! Operations on IPsec connections (SPEC 14, `reference/api-reference-ipsec.md` section 3), one
//! file each, and what they share: the settings a Create or Modify gives (the subnet lists, and
//! `IkeConfig`, `IpsecConfig`, `HealthCheckConfig` and `BgpConfig` as JSON strings, parsed
//! leniently: keys in any case, numbers and booleans as JSON values or strings, unknown keys
//! ignored), and the connection's fields in each answer's shape.

pub mod create;
pub mod delete;
pub mod describe;
pub mod download_config;
pub mod list;
pub mod modify;

use serde_json::{Map, Value, json};

use crate::actions::tag::tags_value;
use crate::actions::{Call, parse_bool};
use crate::error::ApiError;
use crate::ipsec;
use crate::names::CertName;
use crate::protocol::Params;
use crate::state::World;
use crate::state::doc::{
    BgpConfig, CustomerGateway, HealthCheckConfig, IkeConfig, IpsecConfig, VpnConnection,
    VpnGateway,
};

/// One of the JSON settings objects, keys lower-cased (the provider writes the health check's
/// keys in lower case on create and capitalised on update).
pub(super) struct JsonSettings {
    param: &'static str,
    keys: Map<String, Value>,
}

impl JsonSettings {
    /// The parameter's object, if given and not empty; anything but a JSON object is
    /// `InvalidParameter` for it.
    fn parse(params: &Params, param: &'static str) -> Result<Option<Self>, ApiError> {
        let Some(text) = params.filter(param) else {
            return Ok(None);
        };
        let invalid = || ApiError::InvalidParameter(param.to_owned());
        let Value::Object(object) = crate::json::from_str::<Value>(text).map_err(|_| invalid())?
        else {
            return Err(invalid());
        };
        let keys = object
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        Ok(Some(JsonSettings { param, keys }))
    }

    fn invalid(&self) -> ApiError {
        ApiError::InvalidParameter(self.param.to_owned())
    }

    /// A text value: a JSON string (empty is "not given") or a number; null is "not given".
    fn text(&self, key: &str) -> Result<Option<String>, ApiError> {
        match self.keys.get(&key.to_ascii_lowercase()) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(self.invalid()),
        }
    }

    /// A text value that must be one of `allowed` (or `extra`, when given).
    fn word(
        &self,
        key: &str,
        allowed: &[&str],
        extra: Option<&str>,
    ) -> Result<Option<String>, ApiError> {
        match self.text(key)? {
            Some(v) if allowed.contains(&v.as_str()) || extra == Some(v.as_str()) => Ok(Some(v)),
            Some(_) => Err(self.invalid()),
            None => Ok(None),
        }
    }

    /// A whole number: a JSON number or a string of digits, at most `max`.
    fn number(&self, key: &str, max: u64) -> Result<Option<u64>, ApiError> {
        let n = match self.keys.get(&key.to_ascii_lowercase()) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) if s.is_empty() => return Ok(None),
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) if s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse().ok()
            }
            Some(_) => None,
        };
        match n {
            Some(n) if n <= max => Ok(Some(n)),
            _ => Err(self.invalid()),
        }
    }

    /// A boolean: a JSON boolean or the string `true`/`false` (any case).
    fn flag(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.keys.get(&key.to_ascii_lowercase()) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(self.invalid()),
        }
    }

    /// The IKE settings with these applied over `base`. A lifetime of 0 (what the provider
    /// sends for a block's unset lifetime) is the default, 86400.
    fn ike(&self, base: &IkeConfig) -> Result<IkeConfig, ApiError> {
        let mut c = base.clone();
        if let Some(psk) = self.text("Psk")? {
            if !ipsec::psk_ok(&psk) {
                return Err(self.invalid());
            }
            c.psk = Some(psk);
        }
        let set = |field: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        set(
            &mut c.ike_version,
            self.word("IkeVersion", &ipsec::IKE_VERSIONS, None)?,
        );
        set(
            &mut c.ike_mode,
            self.word("IkeMode", &ipsec::IKE_MODES, None)?,
        );
        set(
            &mut c.ike_enc_alg,
            self.word("IkeEncAlg", &ipsec::ENC_ALGS, Some(ipsec::SM_ENC_ALG))?,
        );
        set(
            &mut c.ike_auth_alg,
            self.word("IkeAuthAlg", &ipsec::AUTH_ALGS, Some(ipsec::SM_AUTH_ALG))?,
        );
        set(&mut c.ike_pfs, self.word("IkePfs", &ipsec::IKE_PFS, None)?);
        if let Some(n) = self.number("IkeLifetime", ipsec::DEFAULT_LIFETIME)? {
            c.ike_lifetime = if n == 0 { ipsec::DEFAULT_LIFETIME } else { n };
        }
        for (key, field) in [("LocalId", &mut c.local_id), ("RemoteId", &mut c.remote_id)] {
            if let Some(id) = self.text(key)? {
                if !ipsec::ike_id_ok(&id) {
                    return Err(self.invalid());
                }
                *field = id;
            }
        }
        Ok(c)
    }

    /// The IPsec settings with these applied over `base` (a lifetime of 0 is the default).
    fn ipsec(&self, base: &IpsecConfig) -> Result<IpsecConfig, ApiError> {
        let mut c = base.clone();
        if let Some(v) = self.word("IpsecEncAlg", &ipsec::ENC_ALGS, Some(ipsec::SM_ENC_ALG))? {
            c.ipsec_enc_alg = v;
        }
        if let Some(v) = self.word("IpsecAuthAlg", &ipsec::AUTH_ALGS, Some(ipsec::SM_AUTH_ALG))? {
            c.ipsec_auth_alg = v;
        }
        if let Some(v) = self.word("IpsecPfs", &ipsec::IPSEC_PFS, None)? {
            c.ipsec_pfs = v;
        }
        if let Some(n) = self.number("IpsecLifetime", ipsec::DEFAULT_LIFETIME)? {
            c.ipsec_lifetime = if n == 0 { ipsec::DEFAULT_LIFETIME } else { n };
        }
        Ok(c)
    }

    /// The health check with these applied over `base`; addresses must be IPv4.
    fn health(&self, base: &HealthCheckConfig) -> Result<HealthCheckConfig, ApiError> {
        let mut c = base.clone();
        if let Some(on) = self.flag("Enable")? {
            c.enable = on;
        }
        for (key, field) in [("Dip", &mut c.dip), ("Sip", &mut c.sip)] {
            if let Some(ip) = self.text(key)? {
                if ipsec::ipv4(&ip).is_none() {
                    return Err(self.invalid());
                }
                *field = ip;
            }
        }
        if let Some(n) = self.number("Interval", ipsec::MAX_HEALTH_CHECK)? {
            c.interval = n;
        }
        if let Some(n) = self.number("Retry", ipsec::MAX_HEALTH_CHECK)? {
            c.retry = n;
        }
        Ok(c)
    }

    /// The BGP settings with these applied over `base`.
    fn bgp(&self, base: &BgpConfig) -> Result<BgpConfig, ApiError> {
        let mut c = base.clone();
        if let Some(on) = self.flag("EnableBgp")? {
            c.enable_bgp = on;
        }
        if let Some(asn) = self.text("LocalAsn")? {
            c.local_asn = ipsec::local_asn(&asn).ok_or_else(|| self.invalid())?;
        }
        if let Some(cidr) = self.text("TunnelCidr")? {
            ipsec::tunnel_cidr(&cidr).ok_or_else(|| self.invalid())?;
            c.tunnel_cidr = cidr;
        }
        if let Some(ip) = self.text("LocalBgpIp")? {
            ipsec::ipv4(&ip).ok_or_else(|| self.invalid())?;
            c.local_bgp_ip = ip;
        }
        Ok(c)
    }
}

/// What a CreateVpnConnection or ModifyVpnConnectionAttribute gives, each value checked on its
/// own (SPEC 3.3's value stage); absent or empty is "not given".
pub(super) struct Settings<'a> {
    name: Option<CertName>,
    local_subnet: Option<&'a str>,
    remote_subnet: Option<&'a str>,
    ike: Option<JsonSettings>,
    ipsec: Option<JsonSettings>,
    health: Option<JsonSettings>,
    bgp: Option<JsonSettings>,
    effect_immediately: Option<bool>,
    enable_dpd: Option<bool>,
    enable_nat_traversal: Option<bool>,
    auto_config_route: Option<bool>,
    remote_ca_certificate: Option<&'a str>,
}

impl<'a> Settings<'a> {
    /// Checks, in this order: `LocalSubnet`, `RemoteSubnet` (`IllegalParam.*` with the offending
    /// block), `Name`, the four JSON settings, the booleans, and the dual-tunnel parameters the
    /// emulator's single-tunnel gateways refuse (`TunnelOptionsSpecification.*`,
    /// `EnableTunnelsBgp=true`).
    pub(super) fn parse(call: &'a Call) -> Result<Self, ApiError> {
        let params = call.params;
        let local_subnet = params.filter("LocalSubnet");
        if let Some(text) = local_subnet {
            ipsec::subnets(text).map_err(ApiError::IllegalParamLocalSubnet)?;
        }
        let remote_subnet = params.filter("RemoteSubnet");
        if let Some(text) = remote_subnet {
            ipsec::subnets(text).map_err(ApiError::IllegalParamRemoteSubnet)?;
        }
        let name = call.name()?;
        let ike = JsonSettings::parse(params, "IkeConfig")?;
        let ipsec = JsonSettings::parse(params, "IpsecConfig")?;
        let health = JsonSettings::parse(params, "HealthCheckConfig")?;
        let bgp = JsonSettings::parse(params, "BgpConfig")?;
        // Each value on its own, against the defaults; between values, once they are merged.
        if let Some(s) = &ike {
            s.ike(&IkeConfig::default())?;
        }
        if let Some(s) = &ipsec {
            s.ipsec(&IpsecConfig::default())?;
        }
        if let Some(s) = &health {
            s.health(&HealthCheckConfig::default())?;
        }
        if let Some(s) = &bgp {
            s.bgp(&BgpConfig::default())?;
        }
        let effect_immediately = parse_bool(params, "EffectImmediately")?;
        let enable_dpd = parse_bool(params, "EnableDpd")?;
        let enable_nat_traversal = parse_bool(params, "EnableNatTraversal")?;
        let auto_config_route = parse_bool(params, "AutoConfigRoute")?;
        parse_bool(params, "DryRun")?;
        if parse_bool(params, "EnableTunnelsBgp")? == Some(true) {
            return Err(ApiError::InvalidParameter("EnableTunnelsBgp".into()));
        }
        if params
            .iter()
            .any(|(name, _)| name.starts_with("TunnelOptionsSpecification"))
        {
            return Err(ApiError::InvalidParameter(
                "TunnelOptionsSpecification".into(),
            ));
        }
        Ok(Settings {
            name,
            local_subnet,
            remote_subnet,
            ike,
            ipsec,
            health,
            bgp,
            effect_immediately,
            enable_dpd,
            enable_nat_traversal,
            auto_config_route,
            remote_ca_certificate: params.filter("RemoteCaCertificate"),
        })
    }

    /// The connection with these settings applied over `base`, checked between values and
    /// against its gateways (the state stage): a health check that is on needs both addresses
    /// (and gets 3 s and 3 retries when it has none); BGP that is on needs its tunnel block and
    /// address, the address inside the block, and no other connection of the gateway may use
    /// the block; the SM algorithms only on a `NationalStandard` gateway. `InvalidParameter`
    /// names the settings object.
    pub(super) fn apply(
        &self,
        base: &VpnConnection,
        world: &World,
        gateway: &VpnGateway,
    ) -> Result<VpnConnection, ApiError> {
        let mut c = base.clone();
        if let Some(name) = &self.name {
            c.name = Some(name.clone().into_string());
        }
        if let Some(v) = self.local_subnet {
            v.clone_into(&mut c.local_subnet);
        }
        if let Some(v) = self.remote_subnet {
            v.clone_into(&mut c.remote_subnet);
        }
        if let Some(s) = &self.ike {
            c.ike_config = s.ike(&c.ike_config)?;
        }
        if let Some(s) = &self.ipsec {
            c.ipsec_config = s.ipsec(&c.ipsec_config)?;
        }
        if let Some(s) = &self.health {
            c.health_check_config = s.health(&c.health_check_config)?;
        }
        if let Some(s) = &self.bgp {
            c.bgp_config = s.bgp(&c.bgp_config)?;
        }
        for (value, field) in [
            (self.effect_immediately, &mut c.effect_immediately),
            (self.enable_dpd, &mut c.enable_dpd),
            (self.enable_nat_traversal, &mut c.enable_nat_traversal),
            (self.auto_config_route, &mut c.auto_config_route),
        ] {
            if let Some(v) = value {
                *field = v;
            }
        }
        if let Some(v) = self.remote_ca_certificate {
            v.clone_into(&mut c.remote_ca_certificate);
        }
        let invalid = |p: &str| ApiError::InvalidParameter(p.to_owned());
        let health = &mut c.health_check_config;
        if health.enable {
            if health.dip.is_empty() || health.sip.is_empty() {
                return Err(invalid("HealthCheckConfig"));
            }
            for n in [&mut health.interval, &mut health.retry] {
                if *n == 0 {
                    *n = ipsec::DEFAULT_HEALTH_CHECK;
                }
            }
        }
        let bgp = &c.bgp_config;
        if bgp.enable_bgp || !bgp.tunnel_cidr.is_empty() || !bgp.local_bgp_ip.is_empty() {
            let tunnel =
                ipsec::tunnel_cidr(&bgp.tunnel_cidr).ok_or_else(|| invalid("BgpConfig"))?;
            if !ipsec::bgp_ip_in(tunnel, &bgp.local_bgp_ip) {
                return Err(invalid("BgpConfig"));
            }
            if world.connections_of(&gateway.vpn_gateway_id).any(|o| {
                o.vpn_connection_id != c.vpn_connection_id
                    && o.bgp_config.tunnel_cidr == bgp.tunnel_cidr
            }) {
                return Err(invalid("BgpConfig"));
            }
        }
        if gateway.vpn_type != "NationalStandard" {
            let ike = &c.ike_config;
            if ike.ike_enc_alg == ipsec::SM_ENC_ALG || ike.ike_auth_alg == ipsec::SM_AUTH_ALG {
                return Err(invalid("IkeConfig"));
            }
            let sa = &c.ipsec_config;
            if sa.ipsec_enc_alg == ipsec::SM_ENC_ALG || sa.ipsec_auth_alg == ipsec::SM_AUTH_ALG {
                return Err(invalid("IpsecConfig"));
            }
        }
        Ok(c)
    }

    /// Whether the change from `old` to `new` is more than a new name (which needs no
    /// `active` gateway and starts no busy window).
    pub(super) fn more_than_name(old: &VpnConnection, new: &VpnConnection) -> bool {
        let mut renamed = old.clone();
        renamed.name.clone_from(&new.name);
        renamed != *new
    }
}

/// Which answer a connection's fields are for (the API's response models differ).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// DescribeVpnConnection: everything, tags as `Tags.Tag[]`.
    Describe,
    /// A DescribeVpnConnections item: no `ZoneNo`, BGP without `EnableBgp`, tags as
    /// `Tag.Tag[]`.
    List,
    /// ModifyVpnConnectionAttribute: no state, status, tags or transit-router fields; a
    /// `Description`; the health check without `Status`/`Policy`, BGP without `AuthKey`.
    Modify,
}

fn text(s: &str) -> Value {
    Value::String(s.to_owned())
}

/// The IKE settings as every answer carries them.
pub(super) fn ike_value(c: &IkeConfig) -> Value {
    json!({
        "IkeAuthAlg": c.ike_auth_alg,
        "IkeEncAlg": c.ike_enc_alg,
        "IkeLifetime": c.ike_lifetime,
        "IkeMode": c.ike_mode,
        "IkePfs": c.ike_pfs,
        "IkeVersion": c.ike_version,
        "LocalId": c.local_id,
        "Psk": c.psk.as_deref().unwrap_or_default(),
        "RemoteId": c.remote_id,
    })
}

pub(super) fn ipsec_value(c: &IpsecConfig) -> Value {
    json!({
        "IpsecAuthAlg": c.ipsec_auth_alg,
        "IpsecEncAlg": c.ipsec_enc_alg,
        "IpsecLifetime": c.ipsec_lifetime,
        "IpsecPfs": c.ipsec_pfs,
    })
}

/// `"true"`/`"false"`: the health check's `Enable` and BGP's `EnableBgp` are strings.
fn flag_text(on: bool) -> Value {
    text(if on { "true" } else { "false" })
}

/// A connection with the fields of `shape`'s answer, in the reference's order. Its VPN gateway
/// gives `InternetIp`, `NetworkType` and `ResourceGroupId`; its customer gateway the BGP peer's
/// ASN and key.
pub(super) fn fields(
    c: &VpnConnection,
    gateway: Option<&VpnGateway>,
    customer: Option<&CustomerGateway>,
    shape: Shape,
) -> Map<String, Value> {
    let mut out = Map::new();
    let mut put = |k: &str, v: Value| {
        out.insert(k.to_owned(), v);
    };
    let group = gateway.map_or("", |g| g.resource_group_id.as_str());
    put("VpnConnectionId", text(&c.vpn_connection_id));
    put("VpnGatewayId", text(&c.vpn_gateway_id));
    put("CustomerGatewayId", text(&c.customer_gateway_id));
    put(
        "Name",
        text(c.name.as_deref().unwrap_or(&c.vpn_connection_id)),
    );
    if shape == Shape::Modify {
        put("Description", text(""));
    }
    put("LocalSubnet", text(&c.local_subnet));
    put("RemoteSubnet", text(&c.remote_subnet));
    put("CreateTime", json!(c.create_time.unwrap_or(0)));
    put("EffectImmediately", json!(c.effect_immediately));
    if shape != Shape::Modify {
        put("Status", text("ike_sa_not_established"));
        put("State", text("active"));
    }
    put("EnableDpd", json!(c.enable_dpd));
    put("EnableNatTraversal", json!(c.enable_nat_traversal));
    put("EnableTunnelsBgp", json!(false));
    if shape != Shape::Modify {
        put("CrossAccountAuthorized", json!(false));
        put(
            "InternetIp",
            text(gateway.map_or("", |g| g.internet_ip.as_str())),
        );
        put(
            "NetworkType",
            text(gateway.map_or("public", |g| g.network_type.as_str())),
        );
        put("AttachType", text("VPNGW"));
        for key in [
            "AttachInstanceId",
            "TransitRouterId",
            "TransitRouterName",
            "Spec",
            "TunnelBandwidth",
        ] {
            put(key, text(""));
        }
        if shape == Shape::Describe {
            put("ZoneNo", text(""));
        }
        put("RemoteCaCertificate", text(&c.remote_ca_certificate));
    }
    put("ResourceGroupId", text(group));
    put("IkeConfig", ike_value(&c.ike_config));
    put("IpsecConfig", ipsec_value(&c.ipsec_config));
    let h = &c.health_check_config;
    let mut health = json!({
        "Enable": flag_text(h.enable),
        "Dip": h.dip,
        "Sip": h.sip,
        "Interval": h.interval,
        "Retry": h.retry,
    });
    if shape != Shape::Modify {
        health["Status"] = text(if h.enable { "failed" } else { "" });
        health["Policy"] = text(if h.enable { "revoke_route" } else { "" });
    }
    put("VcoHealthCheck", health);
    let b = &c.bgp_config;
    // The list item's model has no `EnableBgp` (the API's DescribeVpnConnections model).
    let mut bgp = if shape == Shape::List {
        json!({})
    } else {
        json!({ "EnableBgp": flag_text(b.enable_bgp) })
    };
    bgp["LocalAsn"] = json!(b.local_asn);
    bgp["TunnelCidr"] = text(&b.tunnel_cidr);
    bgp["LocalBgpIp"] = text(&b.local_bgp_ip);
    bgp["PeerBgpIp"] = text(&ipsec::peer_bgp_ip(&b.tunnel_cidr, &b.local_bgp_ip));
    if let Some(asn) = customer.and_then(|g| g.asn).filter(|_| b.enable_bgp) {
        bgp["PeerAsn"] = json!(asn);
    }
    bgp["Status"] = text(if b.enable_bgp { "failed" } else { "" });
    if shape != Shape::Modify {
        bgp["AuthKey"] = text(customer.map_or("", |g| g.auth_key.as_str()));
    }
    put("VpnBgpConfig", bgp);
    match shape {
        Shape::Describe => put("Tags", tags_value(&c.tags)),
        Shape::List => put("Tag", tags_value(&c.tags)),
        Shape::Modify => {}
    }
    out
}
