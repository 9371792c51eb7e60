//! Operations on destination routes of VPN gateways (SPEC 14, `reference/api-reference-ipsec.md`
//! section 5), one file each, and what they share: the checked identity of a route (gateway,
//! destination, next hop) and weights. Routes are the gateway's: each action's RAM target is the
//! gateway.

pub mod create;
pub mod delete;
pub mod list;
pub mod modify_weight;
pub mod publish;

use crate::error::ApiError;
use crate::ipsec;
use crate::protocol::Params;

/// `RouteDest`: a network address in CIDR notation, not `0.0.0.0/0`, not in 100.64.0.0/10.
pub(super) fn route_dest(params: &Params) -> Result<&str, ApiError> {
    let dest = params.required("RouteDest")?;
    if ipsec::route_dest_ok(dest) {
        Ok(dest)
    } else {
        Err(ApiError::InvalidParameter("RouteDest".into()))
    }
}

/// A weight parameter: `0` or `100`.
pub(super) fn weight(params: &Params, name: &str) -> Result<u32, ApiError> {
    let text = params.required(name)?;
    match text {
        "0" => Ok(0),
        "100" => Ok(100),
        _ => Err(ApiError::InvalidParameter(name.to_owned())),
    }
}

/// `OverlayMode`, if given, is `Ipsec`.
pub(super) fn overlay_mode(params: &Params) -> Result<(), ApiError> {
    crate::actions::parse_word(params, "OverlayMode", &["Ipsec"]).map(|_| ())
}

/// The route's state for a `PublishVpc` value.
pub(super) fn state_of(publish: bool) -> &'static str {
    if publish { "published" } else { "normal" }
}
