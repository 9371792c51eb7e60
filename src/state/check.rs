//! What the API would refuse, refused in a state too (SPEC 14): a fixtures file, `PUT state`,
//! a snapshot and a log line are checked with [`crate::rules`], the rules of the API that
//! writes them, each refusal naming the field inside the resource (the caller adds where the
//! resource is). Names and the per-server quota stay unchecked (SPEC 6).

use super::MAX_TIME_MS;
use super::doc::{
    CustomerGateway, SslVpnServer, Tag, VSwitch, Vpc, VpnConnection, VpnGateway, VpnRouteEntry,
};
use crate::cidr::Cidr;
use crate::ipsec;
use crate::rules;

/// A broken rule: the field (a path inside the resource), why, and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: String,
    pub reason: String,
    pub value: String,
}

fn refuse(field: impl Into<String>, reason: impl Into<String>, value: impl ToString) -> Refusal {
    Refusal {
        field: field.into(),
        reason: reason.into(),
        value: value.to_string(),
    }
}

/// At most 20 tags, each key and value as TagResources takes them.
pub fn tags(tags: &[Tag]) -> Result<(), Refusal> {
    for (i, tag) in tags.iter().enumerate() {
        if i == rules::MAX_TAGS {
            return Err(refuse(
                format!("Tags[{i}]"),
                "at most 20 tags per resource",
                &tag.key,
            ));
        }
        if !rules::tag_key(&tag.key) {
            return Err(refuse(
                format!("Tags[{i}].Key"),
                "a tag key is 1-128 characters, not starting with aliyun or acs: and without http:// or https://",
                &tag.key,
            ));
        }
        if !rules::tag_value(&tag.value) {
            return Err(refuse(
                format!("Tags[{i}].Value"),
                "a tag value is at most 128 characters, not starting with aliyun or acs: and without http:// or https://",
                &tag.value,
            ));
        }
    }
    Ok(())
}

/// A VPC's block, user blocks, DNS hostname status and tags, as CreateVpc takes them.
pub fn vpc(v: &Vpc) -> Result<(), Refusal> {
    if rules::vpc_block(&v.cidr_block).is_none() {
        return Err(refuse(
            "CidrBlock",
            "a VPC's CidrBlock is a network address with mask 8-28 in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
            &v.cidr_block,
        ));
    }
    if v.user_cidrs.len() > rules::MAX_USER_CIDRS {
        return Err(refuse(
            "UserCidrs",
            "at most 3 user CIDR blocks",
            v.user_cidrs.len(),
        ));
    }
    for (i, block) in v.user_cidrs.iter().enumerate() {
        if rules::user_cidr(block).is_none() {
            return Err(refuse(
                format!("UserCidrs[{i}]"),
                "a user CIDR block is a network address outside 100.64.0.0/10",
                block,
            ));
        }
    }
    if !["ENABLED", "DISABLED"].contains(&v.dns_hostname_status.as_str()) {
        return Err(refuse(
            "DnsHostnameStatus",
            "DnsHostnameStatus is ENABLED or DISABLED",
            &v.dns_hostname_status,
        ));
    }
    tags(&v.tags)
}

/// A vSwitch's block (mask 16-29, inside its VPC's, apart from `siblings`, the VPC's other
/// vSwitches) and tags, as CreateVSwitch takes them.
pub fn vswitch<'a>(
    v: &VSwitch,
    vpc: &Vpc,
    mut siblings: impl Iterator<Item = &'a VSwitch>,
) -> Result<(), Refusal> {
    let Some(block) = rules::vswitch_block(&v.cidr_block) else {
        return Err(refuse(
            "CidrBlock",
            "a vSwitch's CidrBlock is a network address with mask 16-29",
            &v.cidr_block,
        ));
    };
    if !Cidr::parse(&vpc.cidr_block).is_some_and(|outer| outer.contains(block)) {
        return Err(refuse(
            "CidrBlock",
            format!(
                "not inside the CidrBlock of its VPC {} ({})",
                vpc.vpc_id, vpc.cidr_block
            ),
            &v.cidr_block,
        ));
    }
    if let Some(other) = siblings.find(|s| {
        s.vswitch_id != v.vswitch_id
            && Cidr::parse(&s.cidr_block).is_some_and(|c| c.overlaps(block))
    }) {
        return Err(refuse(
            "CidrBlock",
            format!(
                "overlaps vSwitch {} ({}) of the same VPC",
                other.vswitch_id, other.cidr_block
            ),
            &v.cidr_block,
        ));
    }
    tags(&v.tags)
}

/// A gateway's times (both given: from 1970 to 9999-12-31, `EndTime` after `CreateTime`) and
/// tags.
pub fn gateway(g: &VpnGateway) -> Result<(), Refusal> {
    let (Some(create), Some(end)) = (g.create_time, g.end_time) else {
        return Err(refuse(
            "CreateTime",
            "CreateTime and EndTime are required",
            "null",
        ));
    };
    if !(0..=MAX_TIME_MS).contains(&create) {
        return Err(refuse(
            "CreateTime",
            "CreateTime must be from 1970-01-01 to 9999-12-31T23:59:59Z",
            create,
        ));
    }
    if end <= create {
        return Err(refuse("EndTime", "EndTime must be after CreateTime", end));
    }
    if end > MAX_TIME_MS {
        return Err(refuse(
            "EndTime",
            "EndTime must not be after 9999-12-31T23:59:59Z",
            end,
        ));
    }
    tags(&g.tags)
}

/// A server's pool, local subnets (and that they do not overlap), port, protocol and cipher,
/// as CreateSslVpnServer takes them.
pub fn server(s: &SslVpnServer) -> Result<(), Refusal> {
    let Some(pool) = rules::client_ip_pool(&s.client_ip_pool) else {
        return Err(refuse(
            "ClientIpPool",
            "a client IP pool is one network address with mask 16-29, outside 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4, 255.0.0.0/8 and 100.64.0.0/10",
            &s.client_ip_pool,
        ));
    };
    let Some(subnets) = rules::local_subnets(&s.local_subnet) else {
        return Err(refuse(
            "LocalSubnet",
            "local subnets are 1 to 5 comma-separated network addresses with masks 8-32, outside 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4 and 255.0.0.0/8",
            &s.local_subnet,
        ));
    };
    if rules::pool_overlaps(pool, &subnets) {
        return Err(refuse(
            "ClientIpPool",
            format!("overlaps a local subnet ({})", s.local_subnet),
            &s.client_ip_pool,
        ));
    }
    if !rules::server_port(s.port) {
        return Err(refuse(
            "Port",
            "a port is 1-65535 and none of 22, 53, 68, 80, 123, 443, 500, 2222, 4500, 4510, 4560, 7505, 9000, 9001, 9002, 22222",
            s.port,
        ));
    }
    if !rules::PROTOS.contains(&s.proto.as_str()) {
        return Err(refuse("Proto", "Proto is TCP or UDP", &s.proto));
    }
    if !rules::CIPHERS.contains(&s.cipher.as_str()) {
        return Err(refuse(
            "Cipher",
            "Cipher is AES-128-CBC, AES-192-CBC, AES-256-CBC or none",
            &s.cipher,
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------- the IPsec half (SPEC 14)

fn time_checked(field: &str, time: Option<i64>) -> Result<(), Refusal> {
    match time {
        Some(t) if !(0..=MAX_TIME_MS).contains(&t) => Err(refuse(
            field,
            "must be from 1970-01-01 to 9999-12-31T23:59:59Z",
            t,
        )),
        _ => Ok(()),
    }
}

/// A customer gateway's values as CreateCustomerGateway takes them (SPEC 14).
pub fn customer_gateway(c: &CustomerGateway) -> Result<(), Refusal> {
    if ipsec::ipv4(&c.ip_address).is_none() {
        return Err(refuse("IpAddress", "not an IPv4 address", &c.ip_address));
    }
    if let Some(asn) = c.asn
        && (!(1..=u64::from(u32::MAX)).contains(&asn) || asn == ipsec::RESERVED_ASN)
    {
        return Err(refuse("Asn", "must be 1-4294967295 and not 45104", asn));
    }
    if !c.auth_key.is_empty() && !ipsec::auth_key_ok(&c.auth_key) {
        return Err(refuse(
            "AuthKey",
            "1-64 printable ASCII characters without spaces or ?",
            &c.auth_key,
        ));
    }
    time_checked("CreateTime", c.create_time)?;
    tags(&c.tags)
}

fn one_of(field: &str, value: &str, allowed: &[&str], extra: &str) -> Result<(), Refusal> {
    if allowed.contains(&value) || value == extra {
        Ok(())
    } else {
        Err(refuse(field, "not one of the API's values", value))
    }
}

/// A connection's values as CreateVpnConnection takes them (SPEC 14).
pub fn connection(c: &VpnConnection) -> Result<(), Refusal> {
    ipsec::subnets(&c.local_subnet).map_err(|part| {
        refuse(
            "LocalSubnet",
            "1 to 5 comma-separated network addresses in CIDR notation",
            part,
        )
    })?;
    ipsec::subnets(&c.remote_subnet).map_err(|part| {
        refuse(
            "RemoteSubnet",
            "1 to 5 comma-separated network addresses in CIDR notation",
            part,
        )
    })?;
    let ike = &c.ike_config;
    if let Some(psk) = &ike.psk
        && !ipsec::psk_ok(psk)
    {
        return Err(refuse(
            "IkeConfig.Psk",
            "1-100 letters, digits and the API's punctuation",
            psk,
        ));
    }
    one_of(
        "IkeConfig.IkeVersion",
        &ike.ike_version,
        &ipsec::IKE_VERSIONS,
        "",
    )?;
    one_of("IkeConfig.IkeMode", &ike.ike_mode, &ipsec::IKE_MODES, "")?;
    one_of(
        "IkeConfig.IkeEncAlg",
        &ike.ike_enc_alg,
        &ipsec::ENC_ALGS,
        ipsec::SM_ENC_ALG,
    )?;
    one_of(
        "IkeConfig.IkeAuthAlg",
        &ike.ike_auth_alg,
        &ipsec::AUTH_ALGS,
        ipsec::SM_AUTH_ALG,
    )?;
    one_of("IkeConfig.IkePfs", &ike.ike_pfs, &ipsec::IKE_PFS, "")?;
    for (field, value) in [
        ("IkeConfig.LocalId", &ike.local_id),
        ("IkeConfig.RemoteId", &ike.remote_id),
    ] {
        if !value.is_empty() && !ipsec::ike_id_ok(value) {
            return Err(refuse(
                field,
                "at most 100 characters without spaces",
                value,
            ));
        }
    }
    let sa = &c.ipsec_config;
    one_of(
        "IpsecConfig.IpsecEncAlg",
        &sa.ipsec_enc_alg,
        &ipsec::ENC_ALGS,
        ipsec::SM_ENC_ALG,
    )?;
    one_of(
        "IpsecConfig.IpsecAuthAlg",
        &sa.ipsec_auth_alg,
        &ipsec::AUTH_ALGS,
        ipsec::SM_AUTH_ALG,
    )?;
    one_of("IpsecConfig.IpsecPfs", &sa.ipsec_pfs, &ipsec::IPSEC_PFS, "")?;
    for (field, value) in [
        ("IkeConfig.IkeLifetime", ike.ike_lifetime),
        ("IpsecConfig.IpsecLifetime", sa.ipsec_lifetime),
    ] {
        if value > ipsec::DEFAULT_LIFETIME {
            return Err(refuse(field, "seconds, at most 86400", value));
        }
    }
    let health = &c.health_check_config;
    for (field, value) in [
        ("HealthCheckConfig.Dip", &health.dip),
        ("HealthCheckConfig.Sip", &health.sip),
    ] {
        if !value.is_empty() && ipsec::ipv4(value).is_none() {
            return Err(refuse(field, "not an IPv4 address", value));
        }
    }
    if health.enable && (health.dip.is_empty() || health.sip.is_empty()) {
        return Err(refuse(
            "HealthCheckConfig",
            "a health check that is on needs Dip and Sip",
            health.enable,
        ));
    }
    for (field, value) in [
        ("HealthCheckConfig.Interval", health.interval),
        ("HealthCheckConfig.Retry", health.retry),
    ] {
        if value > ipsec::MAX_HEALTH_CHECK {
            return Err(refuse(field, "at most 3600", value));
        }
    }
    let bgp = &c.bgp_config;
    if !(1..=u64::from(u32::MAX)).contains(&bgp.local_asn) {
        return Err(refuse(
            "BgpConfig.LocalAsn",
            "must be 1-4294967295",
            bgp.local_asn,
        ));
    }
    if !bgp.tunnel_cidr.is_empty() || !bgp.local_bgp_ip.is_empty() || bgp.enable_bgp {
        let Some(tunnel) = ipsec::tunnel_cidr(&bgp.tunnel_cidr) else {
            return Err(refuse(
                "BgpConfig.TunnelCidr",
                "a /30 of 169.254.0.0/16 but 169.254.0.0/30-169.254.6.0/30 and 169.254.169.252/30",
                &bgp.tunnel_cidr,
            ));
        };
        if !ipsec::bgp_ip_in(tunnel, &bgp.local_bgp_ip) {
            return Err(refuse(
                "BgpConfig.LocalBgpIp",
                "a host address of TunnelCidr",
                &bgp.local_bgp_ip,
            ));
        }
    }
    time_checked("CreateTime", c.create_time)?;
    tags(&c.tags)
}

/// A route's values as CreateVpnRouteEntry takes them (SPEC 14).
pub fn route(r: &VpnRouteEntry) -> Result<(), Refusal> {
    if !ipsec::route_dest_ok(&r.route_dest) {
        return Err(refuse(
            "RouteDest",
            "a network address in CIDR notation, not 0.0.0.0/0 nor in 100.64.0.0/10",
            &r.route_dest,
        ));
    }
    if !ipsec::WEIGHTS.contains(&r.weight) {
        return Err(refuse("Weight", "0 or 100", r.weight));
    }
    one_of("State", &r.state, &ipsec::ROUTE_STATES, "")?;
    one_of("OverlayMode", &r.overlay_mode, &["Ipsec"], "")?;
    time_checked("CreateTime", r.create_time)
}
