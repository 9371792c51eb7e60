//! `ModifyVpnRouteEntryWeight` (SPEC 14): a destination route's weight, from `Weight` (its
//! current one; another is not found) to `NewWeight`; needs the gateway `active` and starts its
//! busy window, unless the weight stays as it is.
//! API page: <https://www.alibabacloud.com/help/en/vpc/api-modifyvpnrouteentryweight>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "ModifyVpnRouteEntryWeight",
    regional: true,
    required: &[
        "VpnGatewayId",
        "RouteDest",
        "NextHop",
        "Weight",
        "NewWeight",
    ],
    ram: RamTarget::Resource("VpnGatewayId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let params = call.params;
    let at = super::RouteAt::parse(params)?;
    let (gateway_id, next_hop, dest) = (at.gateway_id, at.next_hop, at.dest);
    let weight = super::weight(params, "Weight")?;
    let new_weight = super::weight(params, "NewWeight")?;
    super::overlay_mode(params)?;
    call.idempotent(|world| {
        at.check_gateway(call, world)?;
        let route = world
            .route(gateway_id, dest, next_hop)
            .filter(|r| r.weight == weight)
            .ok_or(ApiError::InvalidRouteEntryNotFound)?;
        if new_weight != weight {
            if !world.gateway_active(gateway_id, call.now_ms) {
                return Err(ApiError::VpnGatewayConfiguring);
            }
            let mut route = route.clone();
            route.weight = new_weight;
            world.put_route(route);
            world.start_busy(gateway_id, call.now_ms, call.gateway_busy_ms);
        }
        Ok(Reply::new())
    })
}
