//! The integration-test binary: starts the real server on port 0 (in process, or the built
//! binary for the command-line tests) and speaks HTTP to it.

mod admin;
mod auth;
mod busy;
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
mod journal_readers;
mod layout;
mod load;
mod load_rules;
mod modify;
mod order;
mod persistence;
mod properties;
mod protocol;
mod ram;
mod readme;
mod replay;
mod servers;
mod tag_ranges;
mod tls;
mod vpcs;
mod websites;
