//! The integration-test binary: starts the real server on port 0 (in process, or the built
//! binary for the command-line tests) and speaks HTTP to it.

mod admin;
mod auth;
mod captures;
mod certs;
mod cli;
mod connections;
mod durability;
mod ecs;
mod gateways;
mod helpers;
mod hostile;
mod idempotency;
mod ipsec;
mod journal_fields;
mod layout;
mod load;
mod modify;
mod persistence;
mod properties;
mod protocol;
mod ram;
mod readme;
mod replay;
mod servers;
mod tls;
mod vpcs;
