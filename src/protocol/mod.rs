//! The RPC wire protocol (SPEC section 3): HTTP in, typed request out; action result out, HTTP
//! response back. Nothing here knows what an action does.

pub mod params;
pub mod render;

pub use params::{Params, RpcRequest};
pub use render::{Format, Reply};

/// Parameters that sign a request rather than describe it (both schemes): never journaled,
/// never part of a ClientToken fingerprint.
pub const SIGNING_PARAMS: &[&str] = &[
    "AccessKeyId",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
];

/// The only API version the VPC product speaks.
pub const API_VERSION: &str = "2016-04-28";
