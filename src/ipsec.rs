//! The values of the IPsec half (SPEC 14, `reference/api-reference-ipsec.md`): the rules that
//! the API and the state format share, so that a fixtures file, `PUT state` and a log line are
//! refused for what the API refuses. Customer gateway addresses, ASNs and BGP keys; the subnet
//! lists of a connection; the enumerations and ranges of its IKE, IPsec, health-check and BGP
//! settings; and the destination of a route.

use std::net::Ipv4Addr;

use crate::cidr::{Cidr, SHARED};

/// A connection's local and remote subnets: at most this many CIDR blocks each.
pub const MAX_SUBNETS: usize = 5;
/// At most this many IPsec connections per VPN gateway.
pub const CONNECTIONS_PER_GATEWAY: usize = 10;
/// At most this many customer gateways per account and region.
pub const CUSTOMER_GATEWAYS_PER_REGION: usize = 100;
/// At most this many destination routes per VPN gateway.
pub const ROUTES_PER_GATEWAY: usize = 20;

/// The ASN Alibaba Cloud keeps for its own side, refused for a customer gateway.
pub const RESERVED_ASN: u64 = 45104;
/// The default local ASN of a connection's BGP settings.
pub const DEFAULT_LOCAL_ASN: u64 = 45104;
/// The default IKE and IPsec SA lifetime, seconds; also the largest allowed.
pub const DEFAULT_LIFETIME: u64 = 86400;
/// A health check's probe interval and retries when it is turned on without them.
pub const DEFAULT_HEALTH_CHECK: u64 = 3;
/// A health check's interval (seconds) and retries: at most this many.
pub const MAX_HEALTH_CHECK: u64 = 3600;

pub const IKE_VERSIONS: [&str; 2] = ["ikev1", "ikev2"];
pub const IKE_MODES: [&str; 2] = ["main", "aggressive"];
pub const ENC_ALGS: [&str; 5] = ["aes", "aes192", "aes256", "des", "3des"];
pub const AUTH_ALGS: [&str; 5] = ["md5", "sha1", "sha256", "sha384", "sha512"];
pub const IKE_PFS: [&str; 4] = ["group1", "group2", "group5", "group14"];
pub const IPSEC_PFS: [&str; 5] = ["disabled", "group1", "group2", "group5", "group14"];
/// The algorithms only a `NationalStandard` (SM) gateway takes.
pub const SM_ENC_ALG: &str = "sm4";
pub const SM_AUTH_ALG: &str = "sm3";

/// The two states of a destination route: published to the VPC's system route table or not.
pub const ROUTE_STATES: [&str; 2] = ["published", "normal"];
pub const WEIGHTS: [u32; 2] = [0, 100];

/// An IPv4 address in dotted decimal (no leading zeros, no spaces).
pub fn ipv4(text: &str) -> Option<Ipv4Addr> {
    text.parse().ok()
}

/// An ASN as CreateCustomerGateway takes it: decimal 1-4294967295, or the two-segment form
/// `a.b` (each 0-65535) meaning a × 65536 + b; never 45104, which Alibaba Cloud keeps.
pub fn asn(text: &str) -> Option<u64> {
    let number = |t: &str| {
        (!t.is_empty() && t.len() <= 10 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<u64>().ok())
            .flatten()
    };
    let value = match text.split_once('.') {
        Some((high, low)) => {
            let (high, low) = (number(high)?, number(low)?);
            if high > 65535 || low > 65535 {
                return None;
            }
            high * 65536 + low
        }
        None => number(text)?,
    };
    ((1..=u64::from(u32::MAX)).contains(&value) && value != RESERVED_ASN).then_some(value)
}

/// A local ASN of a connection's BGP settings: as [`asn`], but 45104 (the default) is allowed.
pub fn local_asn(text: &str) -> Option<u64> {
    if text == "45104" {
        return Some(DEFAULT_LOCAL_ASN);
    }
    asn(text)
}

/// A BGP authentication key: 1-64 printable ASCII characters, no space and no `?`.
pub fn auth_key_ok(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic() && b != b'?')
}

/// A pre-shared key: 1-100 characters of letters, digits and the punctuation the API lists
/// (no spaces).
pub fn psk_ok(text: &str) -> bool {
    const PUNCTUATION: &str = "~!`@#$%^&*()_-+={}[]|;:\",.<>/?\\";
    (1..=100).contains(&text.chars().count())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || PUNCTUATION.contains(c))
}

/// An IKE identity (`LocalId`, `RemoteId`): 1-100 characters without spaces.
pub fn ike_id_ok(text: &str) -> bool {
    (1..=100).contains(&text.chars().count())
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A connection's `LocalSubnet` or `RemoteSubnet`: 1 to 5 comma-separated network addresses
/// in CIDR notation (no spaces). `Err` is the offending part: the first block that is not one,
/// or the whole value when there are too many.
pub fn subnets(text: &str) -> Result<Vec<Cidr>, String> {
    let mut out = Vec::new();
    for part in text.split(',') {
        match Cidr::parse(part).filter(|c| c.is_network_address()) {
            Some(c) => out.push(c),
            None => return Err(part.to_owned()),
        }
    }
    if out.len() > MAX_SUBNETS {
        return Err(text.to_owned());
    }
    Ok(out)
}

/// The destination of a route: a network address in CIDR notation, not `0.0.0.0/0`, not
/// overlapping 100.64.0.0/10.
pub fn route_dest_ok(text: &str) -> bool {
    Cidr::parse(text).is_some_and(|c| c.is_network_address() && c.prefix > 0 && !c.overlaps(SHARED))
}

/// The /30 blocks of 169.254.0.0/16 that a BGP tunnel may not use.
fn reserved_tunnel(c: Cidr) -> bool {
    let base = u32::from(Ipv4Addr::new(169, 254, 0, 0));
    (0..=6).any(|i| c.addr == base + (i << 8))
        || c.addr == u32::from(Ipv4Addr::new(169, 254, 169, 252))
}

/// A BGP tunnel block: a /30 network inside 169.254.0.0/16, but none of 169.254.0.0/30 to
/// 169.254.6.0/30 and 169.254.169.252/30.
pub fn tunnel_cidr(text: &str) -> Option<Cidr> {
    let link_local = Cidr::new(u32::from(Ipv4Addr::new(169, 254, 0, 0)), 16);
    Cidr::parse(text).filter(|c| {
        c.prefix == 30 && c.is_network_address() && link_local.contains(*c) && !reserved_tunnel(*c)
    })
}

/// A BGP address inside the tunnel block: one of its two host addresses.
pub fn bgp_ip_in(tunnel: Cidr, text: &str) -> bool {
    ipv4(text).is_some_and(|ip| {
        let ip = u32::from(ip);
        ip == tunnel.addr + 1 || ip == tunnel.addr + 2
    })
}

/// The peer's address in a tunnel block: the host address that is not ours.
pub fn peer_bgp_ip(tunnel: &str, local: &str) -> String {
    let (Some(t), Some(ip)) = (tunnel_cidr(tunnel), ipv4(local)) else {
        return String::new();
    };
    let peer = if u32::from(ip) == t.addr + 1 {
        t.addr + 2
    } else {
        t.addr + 1
    };
    Ipv4Addr::from(peer).to_string()
}

/// A pre-shared key for a connection that has none: 16 characters derived from its ID, so that
/// a fixtures file without one reads the same after every load.
pub fn derived_psk(connection_id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("psk:{connection_id}").as_bytes());
    hex::encode(digest)[..16].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asns_take_both_notations_and_refuse_the_reserved_one() {
        assert_eq!(asn("65535"), Some(65535));
        assert_eq!(asn("123.456"), Some(8_061_384));
        assert_eq!(asn("4294967295"), Some(4_294_967_295));
        for bad in [
            "0",
            "4294967296",
            "45104",
            "",
            "1.65536",
            "a",
            "-1",
            "+5",
            "1.2.3",
            " 1",
        ] {
            assert_eq!(asn(bad), None, "{bad}");
        }
        assert_eq!(local_asn("45104"), Some(45104));
    }

    #[test]
    fn subnets_tunnels_and_destinations() {
        assert_eq!(subnets("10.0.0.0/8,0.0.0.0/0").map(|s| s.len()), Ok(2));
        assert_eq!(subnets("10.0.0.1/8"), Err("10.0.0.1/8".into()));
        assert_eq!(
            subnets("10.0.0.0/8, 10.1.0.0/16"),
            Err(" 10.1.0.0/16".into())
        );
        let six = "1.0.0.0/8,2.0.0.0/8,3.0.0.0/8,4.0.0.0/8,5.0.0.0/8,6.0.0.0/8";
        assert_eq!(subnets(six), Err(six.into()));
        assert!(tunnel_cidr("169.254.10.0/30").is_some());
        for bad in [
            "169.254.6.0/30",
            "169.254.169.252/30",
            "169.254.10.0/29",
            "10.0.0.0/30",
        ] {
            assert!(tunnel_cidr(bad).is_none(), "{bad}");
        }
        let t = tunnel_cidr("169.254.10.0/30").unwrap();
        assert!(bgp_ip_in(t, "169.254.10.1") && !bgp_ip_in(t, "169.254.10.3"));
        assert_eq!(
            peer_bgp_ip("169.254.10.0/30", "169.254.10.1"),
            "169.254.10.2"
        );
        assert!(route_dest_ok("10.0.0.0/24"));
        for bad in ["0.0.0.0/0", "100.64.1.0/24", "96.0.0.0/4", "10.0.0.1/24"] {
            assert!(!route_dest_ok(bad), "{bad}");
        }
    }

    #[test]
    fn keys_and_identities() {
        assert!(
            psk_ok("tf-testvpn1") && psk_ok("a!@#$%^&*()") && !psk_ok("with space") && !psk_ok("")
        );
        assert!(auth_key_ok("AuthKey1") && !auth_key_ok("a?b") && !auth_key_ok("a b"));
        assert!(ike_id_ok("116.62.69.1") && !ike_id_ok("a b"));
        assert_eq!(derived_psk("vco-1").len(), 16);
        assert_eq!(derived_psk("vco-1"), derived_psk("vco-1"));
    }
}
