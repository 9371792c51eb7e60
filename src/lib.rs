//! # aliyun-vpc-emulator
//!
//! A local emulator of the Alibaba Cloud VPC API (product `Vpc`, version `2016-04-28`, RPC
//! style) for SSL-VPN client certificates, which unmodified official SDKs can be pointed at.
//! The contract is `SPEC.md` of the project's shared folder; section numbers below refer to it.
//!
//! ## Layout
//! - [`config`]: flags and environment variables (section 2).
//! - [`app`]: [`AppState`], what every request reaches, and its bootstrap from the fixtures and
//!   the state file; the admin API and the RPC pipeline both depend on it.
//! - [`connection`]: how long a connection may stay idle, or spend on a request's head.
//! - [`server`]: [`handle`] (admin API or API call, by path), the RPC pipeline in the check
//!   order of section 3.3, [`run`].
//! - [`protocol`]: HTTP in (query, form body, `Format`) and JSON/XML out (section 3).
//! - [`error`]: the one error-code enum of the catalogue (section 3.3).
//! - [`auth`]: signature V1 and ACS3-HMAC-SHA256, lenient and strict modes (section 4).
//! - [`ram`]: RAM users' `Allow` and `Resources` (section 5).
//! - [`cidr`]: IPv4 networks in CIDR notation and their relations (sections 11 and 12).
//! - [`rules`]: the value rules (CIDRs, ports, tags) the API and the loader share (section 14).
//! - [`state`]: the emulated resources and the fixtures format (sections 6, 11 and 12).
//! - [`actions`]: the operation registry ([`actions::OPERATIONS`]): one file per operation,
//!   grouped by resource (`ssl_vpn_client_cert/`, `ssl_vpn_server/`, `vpn_gateway/`,
//!   `customer_gateway/`, `vpn_connection/`, `vpn_route_entry/`, `vpc/`, `vswitch/`,
//!   `route_table/`, `tag/`, `region/`), each an [`actions::Operation`]
//!   with a typed input and its `run`; the checks they share (section 3.3) and ClientTokens.
//! - [`idempotency`]: ClientToken records (section 7.6).
//! - [`ipsec`]: the values of the IPsec half (customer gateways, connections, routes; section
//!   14) that the actions and the state format share.
//! - [`names`]: the certificate name rules (section 7.1).
//! - [`material`]: CA, client certificates, keys and the OpenVPN configuration (section 7.3).
//! - [`clock`], [`ids`]: the emulator clock and the ID generator, injected into the actions.
//! - [`admin`]: the `/_emulator/*` control plane (section 8), with [`journal`] and [`faults`],
//!   and the web console (`src/console.html`, embedded) at `/_emulator/ui`; [`guard`] turns
//!   away what another website could have sent (section 14).
//! - [`tls`]: `--tls`, HTTPS on the API's port beside HTTP, and the emulator CA.
//! - [`persist`]: `--state-file`, a snapshot and a write-ahead log with group commit (section 9).
//! - [`healthcheck`]: the `healthcheck` subcommand for container health checks.
//! - [`logbuf`]: the buffered stderr writer of the one-line-per-call log.
//! - [`json`]: every JSON document read is one value followed only by whitespace (section 9).

pub mod actions;
pub mod admin;
pub mod app;
pub mod auth;
pub mod cidr;
pub mod clock;
pub mod config;
pub mod connection;
pub mod error;
pub mod faults;
pub mod guard;
pub mod healthcheck;
pub mod idempotency;
pub mod ids;
pub mod ipsec;
pub mod journal;
pub mod json;
pub mod logbuf;
pub mod material;
pub mod names;
pub mod persist;
pub mod protocol;
pub mod ram;
pub mod rules;
pub mod server;
pub mod state;
pub mod tls;

pub use app::{AppState, StartupError};
pub use server::{handle, run, run_with_tls};
