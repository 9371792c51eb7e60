//! Operations on destination routes of VPN gateways (SPEC 14, `reference/api-reference-ipsec.md`
//! section 5), one file each, and what they share: the checked identity of a route (gateway,
//! destination, next hop) and weights. Routes are the gateway's: each action's RAM target is the
//! gateway.

pub mod create;
pub mod delete;
pub mod list;
pub mod modify_weight;
pub mod publish;

use crate::actions::Call;
use crate::error::ApiError;
use crate::ipsec;
use crate::protocol::Params;
use crate::state::World;

/// The identity of a route as every route action takes it, checked in this order:
/// `VpnGatewayId`, `NextHop`, then `RouteDest`.
pub(super) struct RouteAt<'a> {
    pub gateway_id: &'a str,
    pub next_hop: &'a str,
    pub dest: &'a str,
}

impl<'a> RouteAt<'a> {
    pub(super) fn parse(params: &'a Params) -> Result<Self, ApiError> {
        Ok(RouteAt {
            gateway_id: params.required("VpnGatewayId")?,
            next_hop: params.required("NextHop")?,
            dest: route_dest(params)?,
        })
    }

    /// The gateway is the caller's, in the call's region, and the caller may act on it.
    pub(super) fn check_gateway(&self, call: &Call, world: &World) -> Result<(), ApiError> {
        world
            .gateway_in(call.account_id(), call.region_id(), self.gateway_id)
            .ok_or(ApiError::InvalidVpnGatewayInstanceIdNotFound)?;
        call.authorize_target()
    }
}

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
