//! IPv4 networks in CIDR notation, as the VPC API takes them (SPEC sections 11 and 12): strict
//! `a.b.c.d/n` with decimal octets (no leading zeros, no spaces), and the relations the rules
//! need (overlap, containment).

use std::net::Ipv4Addr;

/// An IPv4 network: its address and its prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: u32,
    pub prefix: u8,
}

/// Ranges no SSL-VPN client pool or local subnet may touch: loopback, link-local, multicast,
/// and 255.0.0.0/8.
pub const RESERVED: [Cidr; 4] = [
    Cidr::new(127 << 24, 8),
    Cidr::new((169 << 24) | (254 << 16), 16),
    Cidr::new(224 << 24, 4),
    Cidr::new(255 << 24, 8),
];

/// The shared address space (100.64.0.0/10), refused for a client pool only.
pub const SHARED: Cidr = Cidr::new((100 << 24) | (64 << 16), 10);

impl Cidr {
    pub const fn new(addr: u32, prefix: u8) -> Cidr {
        Cidr { addr, prefix }
    }

    /// `a.b.c.d/n` with `n` in 0..=32, both written canonically; `None` for anything else.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = text.split_once('/')?;
        // The standard parser refuses leading zeros, signs and spaces in the address.
        let addr: Ipv4Addr = addr.parse().ok()?;
        let canonical = !prefix.is_empty()
            && prefix.len() <= 2
            && prefix.bytes().all(|b| b.is_ascii_digit())
            && !(prefix.len() == 2 && prefix.starts_with('0'));
        if !canonical {
            return None;
        }
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32)?;
        Some(Cidr::new(u32::from(addr), prefix))
    }

    /// The netmask as a number (`/24` is `0xffffff00`).
    pub fn mask(self) -> u32 {
        u32::MAX
            .checked_shl(32 - u32::from(self.prefix))
            .unwrap_or(0)
    }

    /// Whether the address is the network's own (no host bits set).
    pub fn is_network_address(self) -> bool {
        self.addr & !self.mask() == 0
    }

    /// Whether every address of `other` is in this network.
    pub fn contains(self, other: Cidr) -> bool {
        self.prefix <= other.prefix && (other.addr & self.mask()) == (self.addr & self.mask())
    }

    /// Whether the two networks share an address.
    pub fn overlaps(self, other: Cidr) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// Whether the network touches one of [`RESERVED`].
    pub fn is_reserved(self) -> bool {
        RESERVED.iter().any(|r| r.overlaps(self))
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.addr), self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str) -> Cidr {
        Cidr::parse(text).unwrap_or_else(|| panic!("{text} parses"))
    }

    #[test]
    fn only_canonical_notation_parses() {
        assert_eq!(c("10.0.0.0/8"), Cidr::new(10 << 24, 8));
        assert_eq!(c("0.0.0.0/0").mask(), 0);
        assert_eq!(c("1.2.3.4/32").mask(), u32::MAX);
        for bad in [
            "10.0.0.0",
            "10.0.0.0/",
            "10.0.0.0/33",
            "10.0.0.0/08",
            "10.0.0.0/+8",
            "010.0.0.0/8",
            "10.0.0/8",
            " 10.0.0.0/8",
            "10.0.0.0/8 ",
            "10.0.0.256/8",
            "10.0.0.0/8/8",
            "::1/128",
        ] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
        assert_eq!(c("192.168.1.0/24").to_string(), "192.168.1.0/24");
    }

    #[test]
    fn network_addresses_containment_overlap_and_reserved_ranges() {
        assert!(c("192.168.1.0/24").is_network_address());
        assert!(!c("192.168.1.1/24").is_network_address());
        assert!(c("10.0.0.0/8").contains(c("10.1.0.0/16")));
        assert!(!c("10.1.0.0/16").contains(c("10.0.0.0/8")));
        assert!(c("10.1.0.0/16").overlaps(c("10.0.0.0/8")));
        assert!(!c("10.0.0.0/16").overlaps(c("10.1.0.0/16")));
        assert!(c("127.0.0.0/8").is_reserved());
        assert!(c("169.254.3.0/24").is_reserved());
        assert!(c("239.1.0.0/16").is_reserved());
        assert!(c("255.255.255.0/24").is_reserved());
        assert!(!c("100.64.0.0/16").is_reserved());
        assert!(SHARED.overlaps(c("100.127.0.0/16")));
        assert!(!SHARED.overlaps(c("100.128.0.0/16")));
    }
}
