//! Operations on VPN gateways (SPEC section 11).

pub mod describe;
pub mod list;
