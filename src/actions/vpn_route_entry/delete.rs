//! `DeleteVpnRouteEntry` (SPEC 14): removes a destination route, named by its gateway,
//! destination, next hop and weight (a route with another weight is not found); needs the
//! gateway `active` and starts its busy window.
//! API page: <https://www.alibabacloud.com/help/en/vpn/developer-reference/api-vpc-2016-04-28-deletevpnrouteentry-vpns>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DeleteVpnRouteEntry",
    regional: true,
    required: &["VpnGatewayId", "RouteDest", "NextHop", "Weight"],
    ram: RamTarget::Resource("VpnGatewayId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let params = call.params;
    let at = super::RouteAt::parse(params)?;
    let (gateway_id, next_hop, dest) = (at.gateway_id, at.next_hop, at.dest);
    let weight = super::weight(params, "Weight")?;
    super::overlay_mode(params)?;
    call.idempotent(|world| {
        at.check_gateway(call, world)?;
        world
            .route(gateway_id, dest, next_hop)
            .filter(|r| r.weight == weight)
            .ok_or(ApiError::InvalidRouteEntryNotFound)?;
        if !world.gateway_active(gateway_id, call.now_ms) {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        world.delete_route(gateway_id, dest, next_hop);
        world.start_busy(gateway_id, call.now_ms, call.gateway_busy_ms);
        Ok(Reply::new())
    })
}
