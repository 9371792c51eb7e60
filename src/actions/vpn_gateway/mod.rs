//! Operations on VPN gateways (SPEC sections 11 and 12), one file each.

pub mod create;
pub mod delete;
pub mod describe;
pub mod list;
pub mod modify;
