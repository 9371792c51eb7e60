//! Operations on SSL-VPN client certificates (SPEC section 7), one file each.

pub mod create;
pub mod delete;
pub mod describe;
pub mod list;
pub mod modify;
