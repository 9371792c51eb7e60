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

/// Parameters that carry a secret of the caller's (SPEC 8: the journal holds none): a customer
/// gateway's BGP `AuthKey`, left out whole, and the pre-shared key `Psk` inside an IPsec
/// connection's `IkeConfig`, left out of that JSON.
pub const SECRET_PARAMS: &[&str] = &["AuthKey"];
pub const SECRET_IN_IKE_CONFIG: &str = "Psk";

/// The only API version the VPC product speaks.
pub const API_VERSION: &str = "2016-04-28";
