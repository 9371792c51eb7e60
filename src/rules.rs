//! The value rules the API and the loader share (SPEC sections 11, 12 and 14): what
//! CreateVpc, CreateVSwitch, CreateSslVpnServer or TagResources refuses, a fixtures file, a
//! `PUT state` or a log line may not hold either. The actions turn a broken rule into their
//! error code; [`crate::state`] into a refusal naming the JSON path.

use crate::cidr::{Cidr, SHARED};

/// At most this many tags per resource, and `Tag.N` per call.
pub const MAX_TAGS: usize = 20;

/// Ports the service keeps for itself.
pub const FORBIDDEN_PORTS: [u16; 16] = [
    22, 53, 68, 80, 123, 443, 500, 2222, 4500, 4510, 4560, 7505, 9000, 9001, 9002, 22222,
];
/// At most this many comma-separated local subnets.
pub const MAX_LOCAL_SUBNETS: usize = 5;
pub const PROTOS: [&str; 2] = ["TCP", "UDP"];
pub const CIPHERS: [&str; 4] = ["AES-128-CBC", "AES-192-CBC", "AES-256-CBC", "none"];
/// At most this many `UserCidr` blocks on a VPC.
pub const MAX_USER_CIDRS: usize = 3;

/// The private ranges a VPC's block must be one of, or inside.
const PRIVATE: [Cidr; 3] = [
    Cidr::new(10 << 24, 8),
    Cidr::new((172 << 24) | (16 << 16), 12),
    Cidr::new((192 << 24) | (168 << 16), 16),
];

/// A VPC's `CidrBlock`: a network address with mask 8-28 inside 10.0.0.0/8, 172.16.0.0/12 or
/// 192.168.0.0/16.
pub fn vpc_block(text: &str) -> Option<Cidr> {
    Cidr::parse(text).filter(|c| {
        (8..=28).contains(&c.prefix)
            && c.is_network_address()
            && PRIVATE.iter().any(|p| p.contains(*c))
    })
}

/// One `UserCidr` block: a network address outside 100.64.0.0/10.
pub fn user_cidr(text: &str) -> Option<Cidr> {
    Cidr::parse(text).filter(|c| c.is_network_address() && !c.overlaps(SHARED))
}

/// A vSwitch's `CidrBlock` on its own: a network address with mask 16-29 (inside its VPC's
/// block and apart from its siblings is checked against the state).
pub fn vswitch_block(text: &str) -> Option<Cidr> {
    Cidr::parse(text).filter(|c| (16..=29).contains(&c.prefix) && c.is_network_address())
}

/// An SSL-VPN server's `ClientIpPool`: one network address with mask 16-29, outside the
/// reserved ranges and 100.64.0.0/10.
pub fn client_ip_pool(text: &str) -> Option<Cidr> {
    Cidr::parse(text).filter(|c| {
        (16..=29).contains(&c.prefix)
            && c.is_network_address()
            && !c.is_reserved()
            && !c.overlaps(SHARED)
    })
}

/// An SSL-VPN server's `LocalSubnet`: 1 to 5 comma-separated network addresses with masks
/// 8-32, outside the reserved ranges.
pub fn local_subnets(text: &str) -> Option<Vec<Cidr>> {
    let subnets: Option<Vec<Cidr>> = text
        .split(',')
        .map(|part| {
            Cidr::parse(part).filter(|c| {
                (8..=32).contains(&c.prefix) && c.is_network_address() && !c.is_reserved()
            })
        })
        .collect();
    subnets.filter(|s| s.len() <= MAX_LOCAL_SUBNETS)
}

/// Whether the pool overlaps one of the local subnets (refused).
pub fn pool_overlaps(pool: Cidr, subnets: &[Cidr]) -> bool {
    subnets.iter().any(|s| s.overlaps(pool))
}

/// An SSL-VPN server's `Port`: 1-65535 and not one the service keeps.
pub fn server_port(port: u16) -> bool {
    port >= 1 && !FORBIDDEN_PORTS.contains(&port)
}

/// Starts with `aliyun` or `acs:`, or holds a URL (any case).
fn bad_prefix(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.starts_with("aliyun")
        || lower.starts_with("acs:")
        || lower.contains("http://")
        || lower.contains("https://")
}

/// A tag key: 1-128 characters, without the reserved prefixes or a URL.
pub fn tag_key(key: &str) -> bool {
    (1..=128).contains(&key.chars().count()) && !bad_prefix(key)
}

/// A tag value: at most 128 characters, without the reserved prefixes or a URL.
pub fn tag_value(value: &str) -> bool {
    value.chars().count() <= 128 && !bad_prefix(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_urls_are_refused_any_case() {
        assert!(bad_prefix("Aliyun-x") && bad_prefix("ACS:x") && bad_prefix("a http://b"));
        assert!(!bad_prefix("team") && !bad_prefix("my-aliyun"));
        assert!(tag_key("team") && !tag_key("") && !tag_key("aliyun:x") && tag_value(""));
    }

    #[test]
    fn blocks_ports_and_pools() {
        assert!(vpc_block("10.0.0.0/8").is_some() && vpc_block("0.0.0.0/0").is_none());
        assert!(vswitch_block("10.0.1.0/24").is_some() && vswitch_block("10.0.1.0/30").is_none());
        assert!(client_ip_pool("10.8.0.0/16").is_some() && client_ip_pool("not-a-cidr").is_none());
        assert!(local_subnets("10.0.0.0/8,192.168.0.0/16").is_some());
        assert!(local_subnets("127.0.0.0/8").is_none());
        assert!(server_port(1194) && !server_port(0) && !server_port(443));
    }
}
