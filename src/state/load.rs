//! Reading a state document (fixtures, `PUT state`, the state file's snapshot) and building the
//! world from it, validated whole (SPEC section 6): nothing is half-loaded.

use std::collections::{HashMap, HashSet};

use super::doc::{self, KeyStatus, SslVpnServer, StateDoc};
use super::table::{Children, Table};
use super::{CERT_VALIDITY_MS, Cert, MAX_TIME_MS, World, check};
use crate::auth::{KeyRecord, UserGrant};
use crate::idempotency::TokenStore;
use crate::ipsec;
use crate::material::{self, Pem};

/// Why a state document was refused: `<JSON path>: <reason> (<offending value>)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}{}", value.as_ref().map(|v| format!(" ({v})")).unwrap_or_default())]
pub struct StateError {
    pub path: String,
    pub reason: String,
    pub value: Option<String>,
}

impl StateError {
    fn new(path: impl Into<String>, reason: &str, value: &str) -> Self {
        StateError {
            path: path.into(),
            reason: reason.into(),
            value: Some(value.to_owned()),
        }
    }

    /// A broken API rule ([`check`]) of the resource at `at` (`Vpcs[3]`).
    fn at(at: String, r: check::Refusal) -> Self {
        StateError {
            path: format!("{at}.{}", r.field),
            reason: r.reason,
            value: Some(r.value),
        }
    }
}

/// Parses a state document from JSON text (one JSON value, then only whitespace); the error
/// names the JSON path.
pub fn parse_doc(text: &str) -> Result<StateDoc, StateError> {
    crate::json::from_str(text).map_err(|e| StateError {
        path: e.path,
        reason: e.reason,
        value: None,
    })
}

/// A certificate's CreateTime and EndTime with their defaults, checked: EndTime after
/// CreateTime, both from 1970 to 9999-12-31T23:59:59Z (SPEC section 13). `Err` names the field,
/// the reason and the value.
pub(super) fn cert_times(
    create: Option<i64>,
    end: Option<i64>,
    now_ms: i64,
) -> Result<(i64, i64), (&'static str, &'static str, String)> {
    let create_time = create.unwrap_or(now_ms);
    if !(0..=MAX_TIME_MS).contains(&create_time) {
        return Err((
            "CreateTime",
            "CreateTime must be from 1970-01-01 to 9999-12-31T23:59:59Z",
            create_time.to_string(),
        ));
    }
    let end_time = match end {
        Some(end) => end,
        None => create_time
            .checked_add(CERT_VALIDITY_MS)
            .filter(|end| *end <= MAX_TIME_MS)
            .ok_or((
                "CreateTime",
                "CreateTime + 1095 days (the default EndTime) is after 9999-12-31T23:59:59Z",
                create_time.to_string(),
            ))?,
    };
    if end_time <= create_time {
        return Err((
            "EndTime",
            "EndTime must be after CreateTime",
            end_time.to_string(),
        ));
    }
    if end_time > MAX_TIME_MS {
        return Err((
            "EndTime",
            "EndTime must not be after 9999-12-31T23:59:59Z",
            end_time.to_string(),
        ));
    }
    Ok((create_time, end_time))
}

/// A pay-as-you-go gateway's `EndTime` when none is given (2100-01-01, as the service shows).
pub const POSTPAY_END_TIME_MS: i64 = 4_102_444_800_000;
/// A subscription gateway ends a year after it was made, unless the file says otherwise.
const PREPAY_TERM_MS: i64 = 365 * 24 * 60 * 60 * 1000;

/// Fills a gateway's defaults that depend on it (SPEC section 11): its name, its CreateTime
/// and EndTime, checked like a certificate's. `Err` names the field, the reason and the value.
fn gateway_defaults(
    g: &mut doc::VpnGateway,
    now_ms: i64,
) -> Result<(), (&'static str, &'static str, String)> {
    if g.name.is_none() {
        g.name = Some(g.vpn_gateway_id.clone());
    }
    let create_time = g.create_time.unwrap_or(now_ms);
    if !(0..=MAX_TIME_MS).contains(&create_time) {
        return Err((
            "CreateTime",
            "CreateTime must be from 1970-01-01 to 9999-12-31T23:59:59Z",
            create_time.to_string(),
        ));
    }
    let end_time = g.end_time.unwrap_or(if g.charge_type == "Prepay" {
        create_time.saturating_add(PREPAY_TERM_MS).min(MAX_TIME_MS)
    } else {
        POSTPAY_END_TIME_MS.max(create_time.saturating_add(1))
    });
    if !(0..=MAX_TIME_MS).contains(&end_time) {
        return Err((
            "EndTime",
            "EndTime must be from 1970-01-01 to 9999-12-31T23:59:59Z",
            end_time.to_string(),
        ));
    }
    (g.create_time, g.end_time) = (Some(create_time), Some(end_time));
    Ok(())
}

/// `YYYY-MM-DDThh:mm:ssZ`, the API's form of a VPC's or vSwitch's `CreationTime`.
pub fn iso_time(ms: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// `YYYY-MM-DDThh:mm:ss.mmmZ` (`.mmm` left out when 0), how the state keeps a VPC's or
/// vSwitch's `CreationTime`: to the millisecond the lists order by (SPEC 14), so that a reload
/// lists in the same order and exports the same bytes. The API answers [`iso_time`].
pub fn state_time(ms: i64) -> String {
    let seconds = iso_time(ms);
    match ms.rem_euclid(1000) {
        0 => seconds,
        millis => format!("{}.{millis:03}Z", seconds.trim_end_matches('Z')),
    }
}

/// A `CreationTime` from a file (RFC 3339; empty: `now_ms`), as the state's form
/// ([`state_time`]) and as epoch milliseconds.
pub(super) fn creation_time(
    text: &str,
    now_ms: i64,
) -> Result<(String, i64), (&'static str, &'static str, String)> {
    let ms = if text.is_empty() {
        now_ms
    } else {
        let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .map_err(|_| {
            (
                "CreationTime",
                "CreationTime must be RFC 3339, e.g. 2026-12-01T08:00:00Z",
                text.to_owned(),
            )
        })?;
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
    };
    if !(0..=MAX_TIME_MS).contains(&ms) {
        return Err((
            "CreationTime",
            "CreationTime must be from 1970-01-01 to 9999-12-31T23:59:59Z",
            text.to_owned(),
        ));
    }
    Ok((state_time(ms), ms))
}

/// The 21 characters after a resource ID's prefix (`vpc-bp1...`), for the IDs derived from it.
fn id_suffix(id: &str) -> &str {
    id.split_once('-').map_or(id, |(_, rest)| rest)
}

/// A VPC's defaults (SPEC section 12): its vRouter and system route table (derived from its
/// ID, so a reload gives the same), its CreationTime; its CidrBlock a network address.
pub(super) fn vpc_defaults(
    v: &mut doc::Vpc,
    now_ms: i64,
) -> Result<(), (&'static str, &'static str, String)> {
    if !crate::cidr::Cidr::parse(&v.cidr_block).is_some_and(crate::cidr::Cidr::is_network_address) {
        return Err((
            "CidrBlock",
            "CidrBlock must be a network address in CIDR notation",
            v.cidr_block.clone(),
        ));
    }
    if v.vrouter_id.is_empty() {
        v.vrouter_id = format!("vrt-{}", id_suffix(&v.vpc_id));
    }
    if v.route_table_id.is_empty() {
        v.route_table_id = format!("vtb-{}", id_suffix(&v.vpc_id));
    }
    (v.creation_time, v.created_ms) = creation_time(&v.creation_time, now_ms)?;
    Ok(())
}

/// A vSwitch's defaults: its VPC's region and account, its CreationTime; a zone of the region
/// and a network address.
pub(super) fn vswitch_defaults(
    v: &mut doc::VSwitch,
    vpc: &doc::Vpc,
    zones: &[String],
    now_ms: i64,
) -> Result<(), (&'static str, &'static str, String)> {
    v.region_id.clone_from(&vpc.region_id);
    v.account_id.clone_from(&vpc.account_id);
    if !zones.contains(&v.zone_id) {
        return Err((
            "ZoneId",
            "not a zone of the VPC's region",
            v.zone_id.clone(),
        ));
    }
    if !crate::cidr::Cidr::parse(&v.cidr_block).is_some_and(crate::cidr::Cidr::is_network_address) {
        return Err((
            "CidrBlock",
            "CidrBlock must be a network address in CIDR notation",
            v.cidr_block.clone(),
        ));
    }
    (v.creation_time, v.created_ms) = creation_time(&v.creation_time, now_ms)?;
    Ok(())
}

/// Every vSwitch with the API's rules: its block inside its VPC's, apart from the VPC's other
/// vSwitches (of two that overlap, the later in the file is named), its tags. Blocks are nested
/// or apart, so sorted by address an overlap shows between neighbours.
fn check_vswitches(
    vswitches: &[doc::VSwitch],
    vpcs: &HashMap<&str, &doc::Vpc>,
) -> Result<(), StateError> {
    let mut of_vpc: HashMap<&str, Vec<(crate::cidr::Cidr, usize)>> = HashMap::new();
    for (i, v) in vswitches.iter().enumerate() {
        let Some(vpc) = vpcs.get(v.vpc_id.as_str()) else {
            continue;
        };
        check::vswitch(v, vpc, std::iter::empty())
            .map_err(|r| StateError::at(format!("VSwitches[{i}]"), r))?;
        if let Some(block) = crate::rules::vswitch_block(&v.cidr_block) {
            of_vpc
                .entry(v.vpc_id.as_str())
                .or_default()
                .push((block, i));
        }
    }
    let mut overlapping: Option<(usize, usize)> = None;
    for blocks in of_vpc.values_mut() {
        blocks.sort_by_key(|(b, i)| (b.addr, b.prefix, *i));
        for pair in blocks.windows(2) {
            let ((a, i), (b, j)) = (pair[0], pair[1]);
            if a.overlaps(b) {
                let (earlier, later) = (i.min(j), i.max(j));
                if overlapping.is_none_or(|(_, l)| later < l) {
                    overlapping = Some((earlier, later));
                }
            }
        }
    }
    if let Some((earlier, later)) = overlapping {
        let (v, other) = (&vswitches[later], &vswitches[earlier]);
        let siblings = std::iter::once(other);
        if let Some(vpc) = vpcs.get(v.vpc_id.as_str()) {
            check::vswitch(v, vpc, siblings)
                .map_err(|r| StateError::at(format!("VSwitches[{later}]"), r))?;
        }
    }
    Ok(())
}

fn unique(
    seen: &mut HashSet<String>,
    id: &str,
    path: String,
    what: &str,
) -> Result<(), StateError> {
    if id.is_empty() {
        return Err(StateError::new(path, &format!("empty {what}"), id));
    }
    if !seen.insert(id.to_owned()) {
        return Err(StateError::new(path, &format!("duplicate {what}"), id));
    }
    Ok(())
}

/// Gives a server its CA if it has none; checks the one a file gives.
fn ensure_ca(i: usize, server: &mut SslVpnServer) -> Result<(), StateError> {
    let path = |field: &str| format!("SslVpnServers[{i}].{field}");
    match (&server.ca_cert, &server.ca_key) {
        (None, None) => {
            let ca = material::new_ca(&server.ssl_vpn_server_id).map_err(|e| StateError {
                path: path("CaCert"),
                reason: format!("cannot make a CA: {e}"),
                value: None,
            })?;
            server.ca_cert = Some(ca.cert);
            server.ca_key = Some(ca.key);
            Ok(())
        }
        (Some(cert), Some(key)) => {
            let ca = Pem {
                cert: cert.clone(),
                key: key.clone(),
            };
            material::check_ca(&ca).map_err(|e| StateError {
                path: path("CaKey"),
                reason: format!("CaCert and CaKey do not make a usable CA: {e}"),
                value: None,
            })
        }
        (cert, _) => Err(StateError {
            path: path(if cert.is_none() { "CaCert" } else { "CaKey" }),
            reason: "CaCert and CaKey go together".into(),
            value: None,
        }),
    }
}

/// `check_owner` of [`World::from_doc`]: a resource's region exists and its account (the first
/// one when empty) too.
type OwnerCheck<'a> = dyn Fn(&str, usize, &str, &mut String) -> Result<(), StateError> + 'a;

/// Checks the IPsec half of a document (SPEC 14) and fills in its defaults: customer gateways
/// (an IPv4 address unique in their account and region), connections (their VPN gateway and
/// customer gateway in their account and region, one connection per pair of gateways, their
/// pre-shared key and IKE identities) and routes (their gateway's region and account, a next
/// hop that is a connection of the gateway, unique).
fn load_ipsec(doc: &mut StateDoc, check_owner: &OwnerCheck, now_ms: i64) -> Result<(), StateError> {
    let refused = |kind: &'static str, i: usize| {
        move |r: check::Refusal| StateError::at(format!("{kind}[{i}]"), r)
    };
    let mut ids = HashSet::new();
    let mut addresses = HashSet::new();
    for (i, c) in doc.customer_gateways.iter_mut().enumerate() {
        unique(
            &mut ids,
            &c.customer_gateway_id,
            format!("CustomerGateways[{i}].CustomerGatewayId"),
            "CustomerGatewayId",
        )?;
        check_owner("CustomerGateways", i, &c.region_id, &mut c.account_id)?;
        check::customer_gateway(c).map_err(refused("CustomerGateways", i))?;
        if !addresses.insert((
            c.account_id.clone(),
            c.region_id.clone(),
            c.ip_address.clone(),
        )) {
            return Err(StateError::new(
                format!("CustomerGateways[{i}].IpAddress"),
                "another customer gateway of the account and region has this address",
                &c.ip_address,
            ));
        }
        c.name.get_or_insert_with(|| c.customer_gateway_id.clone());
        c.create_time.get_or_insert(now_ms);
    }
    let customer_gateways: HashMap<&str, &doc::CustomerGateway> = doc
        .customer_gateways
        .iter()
        .map(|c| (c.customer_gateway_id.as_str(), c))
        .collect();
    let gateways: HashMap<&str, &doc::VpnGateway> = doc
        .vpn_gateways
        .iter()
        .map(|g| (g.vpn_gateway_id.as_str(), g))
        .collect();
    let mut ids = HashSet::new();
    let mut pairs = HashSet::new();
    for (i, c) in doc.vpn_connections.iter_mut().enumerate() {
        unique(
            &mut ids,
            &c.vpn_connection_id,
            format!("VpnConnections[{i}].VpnConnectionId"),
            "VpnConnectionId",
        )?;
        check_owner("VpnConnections", i, &c.region_id, &mut c.account_id)?;
        let Some(gateway) = gateways
            .get(c.vpn_gateway_id.as_str())
            .filter(|g| g.account_id == c.account_id && g.region_id == c.region_id)
        else {
            return Err(StateError::new(
                format!("VpnConnections[{i}].VpnGatewayId"),
                "no such VPN gateway in the connection's account and region",
                &c.vpn_gateway_id,
            ));
        };
        let Some(customer) = customer_gateways
            .get(c.customer_gateway_id.as_str())
            .filter(|g| g.account_id == c.account_id && g.region_id == c.region_id)
        else {
            return Err(StateError::new(
                format!("VpnConnections[{i}].CustomerGatewayId"),
                "no such customer gateway in the connection's account and region",
                &c.customer_gateway_id,
            ));
        };
        check::connection(c).map_err(refused("VpnConnections", i))?;
        if !pairs.insert((c.vpn_gateway_id.clone(), c.customer_gateway_id.clone())) {
            return Err(StateError::new(
                format!("VpnConnections[{i}].CustomerGatewayId"),
                "the VPN gateway has another connection to this customer gateway",
                &c.customer_gateway_id,
            ));
        }
        c.name.get_or_insert_with(|| c.vpn_connection_id.clone());
        c.create_time.get_or_insert(now_ms);
        let ike = &mut c.ike_config;
        ike.psk
            .get_or_insert_with(|| ipsec::derived_psk(&c.vpn_connection_id));
        if ike.local_id.is_empty() {
            ike.local_id.clone_from(&gateway.internet_ip);
        }
        if ike.remote_id.is_empty() {
            ike.remote_id.clone_from(&customer.ip_address);
        }
        let health = &mut c.health_check_config;
        if health.enable {
            for n in [&mut health.interval, &mut health.retry] {
                if *n == 0 {
                    *n = ipsec::DEFAULT_HEALTH_CHECK;
                }
            }
        }
    }
    drop(customer_gateways);
    let connections: HashMap<&str, &doc::VpnConnection> = doc
        .vpn_connections
        .iter()
        .map(|c| (c.vpn_connection_id.as_str(), c))
        .collect();
    let mut keys = HashSet::new();
    for (i, r) in doc.vpn_route_entries.iter_mut().enumerate() {
        let Some(gateway) = gateways.get(r.vpn_gateway_id.as_str()) else {
            return Err(StateError::new(
                format!("VpnRouteEntries[{i}].VpnGatewayId"),
                "no such VPN gateway",
                &r.vpn_gateway_id,
            ));
        };
        if connections
            .get(r.next_hop.as_str())
            .is_none_or(|c| c.vpn_gateway_id != r.vpn_gateway_id)
        {
            return Err(StateError::new(
                format!("VpnRouteEntries[{i}].NextHop"),
                "no such IPsec connection of the route's VPN gateway",
                &r.next_hop,
            ));
        }
        check::route(r).map_err(refused("VpnRouteEntries", i))?;
        r.region_id.clone_from(&gateway.region_id);
        r.account_id.clone_from(&gateway.account_id);
        r.create_time.get_or_insert(now_ms);
        r.key = doc::VpnRouteEntry::key_of(&r.vpn_gateway_id, &r.route_dest, &r.next_hop);
        if !keys.insert(r.key.clone()) {
            return Err(StateError::new(
                format!("VpnRouteEntries[{i}].RouteDest"),
                "the gateway has this route already (same RouteDest and NextHop)",
                &r.route_dest,
            ));
        }
    }
    Ok(())
}

impl World {
    /// Validates a document and builds the world from it; nothing is half-loaded.
    /// `now_ms` (the emulator clock) fills in certificates' missing CreateTime; `real_now_ms`
    /// (real time) drops ClientTokens that have expired.
    pub fn from_doc(
        mut doc: StateDoc,
        now_ms: i64,
        real_now_ms: i64,
        tokens: TokenStore,
    ) -> Result<World, StateError> {
        if doc.regions.is_empty() {
            return Err(StateError {
                path: "Regions".into(),
                reason: "at least one region is required".into(),
                value: None,
            });
        }
        let Some(first_account) = doc.accounts.first().map(|a| a.account_id.clone()) else {
            return Err(StateError {
                path: "Accounts".into(),
                reason: "at least one account is required".into(),
                value: None,
            });
        };

        let mut region_ids = HashSet::new();
        let mut zones_of: HashMap<String, Vec<String>> = HashMap::new();
        for (i, r) in doc.regions.iter_mut().enumerate() {
            unique(
                &mut region_ids,
                &r.region_id,
                format!("Regions[{i}].RegionId"),
                "RegionId",
            )?;
            if r.region_endpoint.is_empty() {
                r.region_endpoint = format!("vpc.{}.aliyuncs.com", r.region_id);
            }
            for name in [&mut r.local_names.zh_cn, &mut r.local_names.en_us] {
                if name.is_empty() {
                    name.clone_from(&r.region_id);
                }
            }
            if r.zones.is_empty() {
                r.zones = ('a'..='k')
                    .map(|z| format!("{}-{z}", r.region_id))
                    .collect();
            }
            let mut zones = HashSet::new();
            for (j, z) in r.zones.iter().enumerate() {
                unique(&mut zones, z, format!("Regions[{i}].Zones[{j}]"), "zone")?;
            }
            zones_of.insert(r.region_id.clone(), r.zones.clone());
        }

        let mut account_ids = HashSet::new();
        let mut keys = HashMap::new();
        for (i, a) in doc.accounts.iter().enumerate() {
            unique(
                &mut account_ids,
                &a.account_id,
                format!("Accounts[{i}].AccountId"),
                "AccountId",
            )?;
            let mut user_names = HashSet::new();
            let mut add_key = |k: &doc::AccessKey, path: String, user: Option<UserGrant>| {
                if k.access_key_id.is_empty() {
                    return Err(StateError::new(path, "empty AccessKeyId", ""));
                }
                let record = KeyRecord::new(
                    &k.access_key_secret,
                    k.status == KeyStatus::Active,
                    &a.account_id,
                    user,
                );
                if keys.insert(k.access_key_id.clone(), record).is_some() {
                    return Err(StateError::new(
                        path,
                        "duplicate AccessKeyId",
                        &k.access_key_id,
                    ));
                }
                Ok(())
            };
            for (j, k) in a.access_keys.iter().enumerate() {
                add_key(
                    k,
                    format!("Accounts[{i}].AccessKeys[{j}].AccessKeyId"),
                    None,
                )?;
            }
            for (j, u) in a.users.iter().enumerate() {
                unique(
                    &mut user_names,
                    &u.user_name,
                    format!("Accounts[{i}].Users[{j}].UserName"),
                    "UserName",
                )?;
                let grant = UserGrant {
                    name: u.user_name.clone(),
                    allow: u.allow.clone(),
                    resources: u.resources.clone(),
                };
                for (k_i, k) in u.access_keys.iter().enumerate() {
                    add_key(
                        k,
                        format!("Accounts[{i}].Users[{j}].AccessKeys[{k_i}].AccessKeyId"),
                        Some(grant.clone()),
                    )?;
                }
            }
        }

        let check_owner = |kind: &str, i: usize, region: &str, account: &mut String| {
            if account.is_empty() {
                account.clone_from(&first_account);
            }
            if !region_ids.contains(region) {
                return Err(StateError::new(
                    format!("{kind}[{i}].RegionId"),
                    "unknown region",
                    region,
                ));
            }
            if !account_ids.contains(account.as_str()) {
                return Err(StateError::new(
                    format!("{kind}[{i}].AccountId"),
                    "unknown account",
                    account,
                ));
            }
            Ok(())
        };

        let mut vpc_ids: HashSet<String> = HashSet::new();
        for (i, v) in doc.vpcs.iter_mut().enumerate() {
            unique(&mut vpc_ids, &v.vpc_id, format!("Vpcs[{i}].VpcId"), "VpcId")?;
            check_owner("Vpcs", i, &v.region_id, &mut v.account_id)?;
            vpc_defaults(v, now_ms).map_err(|(field, reason, value)| {
                StateError::new(format!("Vpcs[{i}].{field}"), reason, &value)
            })?;
            check::vpc(v).map_err(|r| StateError::at(format!("Vpcs[{i}]"), r))?;
        }
        drop(vpc_ids);
        let vpc_index: HashMap<&str, &doc::Vpc> =
            doc.vpcs.iter().map(|v| (v.vpc_id.as_str(), v)).collect();
        let mut vswitch_ids: HashSet<String> = HashSet::new();
        for (i, v) in doc.vswitches.iter_mut().enumerate() {
            unique(
                &mut vswitch_ids,
                &v.vswitch_id,
                format!("VSwitches[{i}].VSwitchId"),
                "VSwitchId",
            )?;
            let Some(vpc) = vpc_index.get(v.vpc_id.as_str()) else {
                return Err(StateError::new(
                    format!("VSwitches[{i}].VpcId"),
                    "no such VPC",
                    &v.vpc_id,
                ));
            };
            let zones = zones_of.get(&vpc.region_id).map_or(&[][..], Vec::as_slice);
            vswitch_defaults(v, vpc, zones, now_ms).map_err(|(field, reason, value)| {
                StateError::new(format!("VSwitches[{i}].{field}"), reason, &value)
            })?;
        }
        drop(vswitch_ids);
        check_vswitches(&doc.vswitches, &vpc_index)?;
        let vswitch_index: HashMap<&str, &doc::VSwitch> = doc
            .vswitches
            .iter()
            .map(|v| (v.vswitch_id.as_str(), v))
            .collect();

        let mut gateway_ids = HashSet::new();
        for (i, g) in doc.vpn_gateways.iter_mut().enumerate() {
            unique(
                &mut gateway_ids,
                &g.vpn_gateway_id,
                format!("VpnGateways[{i}].VpnGatewayId"),
                "VpnGatewayId",
            )?;
            check_owner("VpnGateways", i, &g.region_id, &mut g.account_id)?;
            if !g.vpc_id.is_empty()
                && !vpc_index
                    .get(g.vpc_id.as_str())
                    .is_some_and(|v| v.account_id == g.account_id && v.region_id == g.region_id)
            {
                return Err(StateError::new(
                    format!("VpnGateways[{i}].VpcId"),
                    "no such VPC in the gateway's account and region",
                    &g.vpc_id,
                ));
            }
            if !g.vswitch_id.is_empty()
                && vswitch_index
                    .get(g.vswitch_id.as_str())
                    .is_none_or(|v| v.vpc_id != g.vpc_id)
            {
                return Err(StateError::new(
                    format!("VpnGateways[{i}].VSwitchId"),
                    "no such vSwitch in the gateway's VPC",
                    &g.vswitch_id,
                ));
            }
        }
        drop(gateway_ids);
        drop(vpc_index);
        drop(vswitch_index);
        for (i, g) in doc.vpn_gateways.iter_mut().enumerate() {
            gateway_defaults(g, now_ms).map_err(|(field, reason, value)| {
                StateError::new(format!("VpnGateways[{i}].{field}"), reason, &value)
            })?;
            check::gateway(g).map_err(|r| StateError::at(format!("VpnGateways[{i}]"), r))?;
        }
        let mut server_ids = HashSet::new();
        for (i, s) in doc.ssl_vpn_servers.iter_mut().enumerate() {
            unique(
                &mut server_ids,
                &s.ssl_vpn_server_id,
                format!("SslVpnServers[{i}].SslVpnServerId"),
                "SslVpnServerId",
            )?;
            check_owner("SslVpnServers", i, &s.region_id, &mut s.account_id)?;
            let parent = doc
                .vpn_gateways
                .iter()
                .find(|g| g.vpn_gateway_id == s.vpn_gateway_id);
            if !parent.is_some_and(|g| g.account_id == s.account_id && g.region_id == s.region_id) {
                return Err(StateError::new(
                    format!("SslVpnServers[{i}].VpnGatewayId"),
                    "no such VPN gateway in the server's account and region",
                    &s.vpn_gateway_id,
                ));
            }
        }
        drop(server_ids);
        for (i, s) in doc.ssl_vpn_servers.iter_mut().enumerate() {
            let create_time = s.create_time.unwrap_or(now_ms);
            if !(0..=MAX_TIME_MS).contains(&create_time) {
                return Err(StateError::new(
                    format!("SslVpnServers[{i}].CreateTime"),
                    "CreateTime must be from 1970-01-01 to 9999-12-31T23:59:59Z",
                    &create_time.to_string(),
                ));
            }
            s.create_time = Some(create_time);
            check::server(s).map_err(|r| StateError::at(format!("SslVpnServers[{i}]"), r))?;
            ensure_ca(i, s)?;
        }

        let mut certs: Vec<Cert> = Vec::with_capacity(doc.ssl_vpn_client_certs.len());
        let mut cert_ids: HashSet<String> = HashSet::with_capacity(doc.ssl_vpn_client_certs.len());
        let server_index: HashMap<&str, &SslVpnServer> = doc
            .ssl_vpn_servers
            .iter()
            .map(|s| (s.ssl_vpn_server_id.as_str(), s))
            .collect();
        for (i, c) in doc.ssl_vpn_client_certs.iter_mut().enumerate() {
            let id = c.ssl_vpn_client_cert_id.clone();
            if id.is_empty() {
                return Err(StateError::new(
                    format!("SslVpnClientCerts[{i}].SslVpnClientCertId"),
                    "empty SslVpnClientCertId",
                    "",
                ));
            }
            if !cert_ids.insert(id.clone()) {
                return Err(StateError::new(
                    format!("SslVpnClientCerts[{i}].SslVpnClientCertId"),
                    "duplicate SslVpnClientCertId",
                    &id,
                ));
            }
            check_owner("SslVpnClientCerts", i, &c.region_id, &mut c.account_id)?;
            let parent = server_index.get(c.ssl_vpn_server_id.as_str());
            if !parent.is_some_and(|s| s.account_id == c.account_id && s.region_id == c.region_id) {
                return Err(StateError::new(
                    format!("SslVpnClientCerts[{i}].SslVpnServerId"),
                    "no such SSL-VPN server in the certificate's account and region",
                    &c.ssl_vpn_server_id,
                ));
            }
            let (create_time, end_time) = cert_times(c.create_time, c.end_time, now_ms).map_err(
                |(field, reason, value)| {
                    StateError::new(format!("SslVpnClientCerts[{i}].{field}"), reason, &value)
                },
            )?;
            if c.client_cert.is_some() != c.client_key.is_some() {
                let missing = if c.client_cert.is_none() {
                    "ClientCert"
                } else {
                    "ClientKey"
                };
                return Err(StateError {
                    path: format!("SslVpnClientCerts[{i}].{missing}"),
                    reason: "ClientCert and ClientKey go together".into(),
                    value: None,
                });
            }
            certs.push({
                // The material moves rather than being copied.
                let material = (c.client_cert.take(), c.client_key.take());
                let mut entry = c.clone();
                (entry.client_cert, entry.client_key) = material;
                Cert::from_doc(entry, create_time, end_time)
            });
        }
        drop(cert_ids);

        load_ipsec(&mut doc, &check_owner, now_ms)?;

        let mut tokens = tokens;
        for token in doc.client_tokens.take().unwrap_or_default() {
            tokens.restore(token, real_now_ms);
        }
        let mut world = World {
            regions: doc.regions,
            accounts: doc.accounts,
            keys,
            vpcs: Table::with_capacity(doc.vpcs.len()),
            vswitches: Table::with_capacity(doc.vswitches.len()),
            vswitches_of_vpc: Children::default(),
            gateways: Table::with_capacity(doc.vpn_gateways.len()),
            servers: Table::with_capacity(doc.ssl_vpn_servers.len()),
            servers_of_gateway: Children::default(),
            certs: Table::with_capacity(certs.len()),
            certs_of_server: Children::default(),
            certs_of_scope: Children::default(),
            customer_gateways: Table::with_capacity(doc.customer_gateways.len()),
            connections: Table::with_capacity(doc.vpn_connections.len()),
            connections_of_gateway: Children::default(),
            connections_of_customer_gateway: Children::default(),
            routes: Table::with_capacity(doc.vpn_route_entries.len()),
            routes_of_gateway: Children::default(),
            tokens,
            windows: Default::default(),
            changes: Vec::new(),
            recording: true,
        };
        for v in doc.vpcs {
            world.vpcs.insert(v);
        }
        for v in doc.vswitches {
            world.store_vswitch(v);
        }
        for g in doc.vpn_gateways {
            world.gateways.insert(g);
        }
        for s in doc.ssl_vpn_servers {
            world.store_server(s);
        }
        for c in certs {
            world.put_cert(c);
        }
        for c in doc.customer_gateways {
            world.customer_gateways.insert(c);
        }
        for c in doc.vpn_connections {
            world.store_connection(c);
        }
        for r in doc.vpn_route_entries {
            world.store_route(r);
        }
        Ok(world)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<World, StateError> {
        World::from_doc(parse_doc(text)?, 1_000, 1_000, TokenStore::new(60, 10))
    }

    const BASE: &str = r#"{
      "Regions": [{"RegionId": "cn-hangzhou"}],
      "Accounts": [{"AccountId": "1", "AccessKeys": [{"AccessKeyId": "AK", "AccessKeySecret": "S"}]}],
      "VpnGateways": [{"VpnGatewayId": "vpn-1", "RegionId": "cn-hangzhou"}],
      "SslVpnServers": [{"SslVpnServerId": "vss-1", "RegionId": "cn-hangzhou", "VpnGatewayId": "vpn-1"}],
      "SslVpnClientCerts": [CERTS]
    }"#;

    fn with_certs(certs: &str) -> String {
        BASE.replace("CERTS", certs)
    }

    #[test]
    fn defaults_are_filled_in() {
        let w = load(&with_certs(r#"{"SslVpnClientCertId": "vsc-1", "RegionId": "cn-hangzhou", "SslVpnServerId": "vss-1"}"#)).unwrap();
        let c = w.cert("1", "cn-hangzhou", "vsc-1").unwrap();
        assert_eq!(c.name, "vsc-1");
        assert_eq!(c.create_time, 1_000);
        assert_eq!(c.end_time, 1_000 + CERT_VALIDITY_MS);
        let doc = w.to_doc();
        assert_eq!(doc.vpn_gateways[0].account_id, "1");
        assert_eq!(doc.vpn_gateways[0].internet_ip, "127.0.0.1");
        assert_eq!(doc.ssl_vpn_servers[0].port, 1194);
        assert_eq!(
            doc.regions[0].region_endpoint,
            "vpc.cn-hangzhou.aliyuncs.com"
        );
        assert!(w.key("AK").unwrap().active);
    }

    #[test]
    fn refusals_name_path_reason_and_value() {
        let dangling = load(&with_certs(r#"{"SslVpnClientCertId": "vsc-1", "RegionId": "cn-hangzhou", "SslVpnServerId": "vss-404"}"#)).unwrap_err();
        assert_eq!(
            dangling.to_string(),
            "SslVpnClientCerts[0].SslVpnServerId: no such SSL-VPN server in the certificate's account and region (vss-404)"
        );
        let dup = load(&with_certs(r#"{"SslVpnClientCertId": "vsc-1", "RegionId": "cn-hangzhou", "SslVpnServerId": "vss-1"},
                                      {"SslVpnClientCertId": "vsc-1", "RegionId": "cn-hangzhou", "SslVpnServerId": "vss-1"}"#)).unwrap_err();
        assert_eq!(
            dup.to_string(),
            "SslVpnClientCerts[1].SslVpnClientCertId: duplicate SslVpnClientCertId (vsc-1)"
        );
        let region = load(&with_certs(
            r#"{"SslVpnClientCertId": "vsc-1", "RegionId": "mars-1", "SslVpnServerId": "vss-1"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            region.to_string(),
            "SslVpnClientCerts[0].RegionId: unknown region (mars-1)"
        );
        let times = load(&with_certs(r#"{"SslVpnClientCertId": "vsc-1", "RegionId": "cn-hangzhou", "SslVpnServerId": "vss-1", "CreateTime": 5, "EndTime": 5}"#)).unwrap_err();
        assert_eq!(times.path, "SslVpnClientCerts[0].EndTime");
        let typo = load(&with_certs(r#"{"SslVpnClientCertId": "vsc-1", "RegionId": "cn-hangzhou", "SslVpnServerId": "vss-1", "Nmae": "x"}"#)).unwrap_err();
        assert!(
            typo.to_string()
                .starts_with("SslVpnClientCerts[0].Nmae: unknown field `Nmae`"),
            "{typo}"
        );
        let status = load(
            &BASE
                .replace(
                    "\"AccessKeySecret\": \"S\"",
                    "\"AccessKeySecret\": \"S\", \"Status\": \"Off\"",
                )
                .replace("CERTS", ""),
        )
        .unwrap_err();
        assert!(
            status
                .to_string()
                .starts_with("Accounts[0].AccessKeys[0].Status: unknown variant `Off`"),
            "{status}"
        );
    }

    #[test]
    fn the_state_keeps_creation_times_to_the_millisecond() {
        assert_eq!(state_time(1_764_547_200_000), "2025-12-01T00:00:00Z");
        assert_eq!(state_time(1_764_547_200_042), "2025-12-01T00:00:00.042Z");
        assert_eq!(iso_time(1_764_547_200_042), "2025-12-01T00:00:00Z");
        let (text, ms) = creation_time("2025-12-01T00:00:00.042Z", 0).unwrap();
        assert_eq!(
            (text.as_str(), ms),
            ("2025-12-01T00:00:00.042Z", 1_764_547_200_042)
        );
    }

    #[test]
    fn duplicate_access_keys_across_users_are_refused() {
        let text = r#"{"Regions": [{"RegionId": "r"}], "Accounts": [
            {"AccountId": "1", "AccessKeys": [{"AccessKeyId": "AK", "AccessKeySecret": "S"}]},
            {"AccountId": "2", "Users": [{"UserName": "u", "AccessKeys": [{"AccessKeyId": "AK", "AccessKeySecret": "T"}]}]}]}"#;
        assert_eq!(
            load(text).unwrap_err().to_string(),
            "Accounts[1].Users[0].AccessKeys[0].AccessKeyId: duplicate AccessKeyId (AK)"
        );
        assert_eq!(
            load(r#"{"Regions": [], "Accounts": []}"#).unwrap_err().path,
            "Regions"
        );
        assert!(load("{").unwrap_err().to_string().contains("EOF"));
    }
}
