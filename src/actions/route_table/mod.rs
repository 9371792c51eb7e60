//! Route tables (SPEC section 12): each VPC's `System` table, listed.

pub mod list;
