//! `PublishVpnRouteEntry` (SPEC 14): publishes a destination route to the VPC's system route
//! table (`State` `published`) or withdraws it (`normal`). `RouteType` `pbr` (policy-based
//! routes) is not emulated. Needs the gateway `active` when the state changes (the provider
//! retries `VpnGateway.Configuring` around it), but starts no busy window.
//! API page: <https://help.aliyun.com/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-publishvpnrouteentry-vpns>

use crate::actions::{Call, Operation, RamTarget, parse_bool, parse_word};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "PublishVpnRouteEntry",
    regional: true,
    required: &[
        "VpnGatewayId",
        "RouteDest",
        "NextHop",
        "RouteType",
        "PublishVpc",
    ],
    ram: RamTarget::Resource("VpnGatewayId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let params = call.params;
    let at = super::RouteAt::parse(params)?;
    let (gateway_id, next_hop, dest) = (at.gateway_id, at.next_hop, at.dest);
    if parse_word(params, "RouteType", &["dbr"])?.is_none() {
        return Err(ApiError::MissingActionParameter("RouteType".into()));
    }
    let publish = parse_bool(params, "PublishVpc")?.unwrap_or(false);
    call.idempotent(|world| {
        at.check_gateway(call, world)?;
        let route = world
            .route(gateway_id, dest, next_hop)
            .ok_or(ApiError::InvalidRouteEntryNotFound)?;
        let state = super::state_of(publish);
        if route.state != state {
            if !world.gateway_active(gateway_id, call.now_ms) {
                return Err(ApiError::VpnGatewayConfiguring);
            }
            let mut route = route.clone();
            state.clone_into(&mut route.state);
            world.put_route(route);
        }
        Ok(Reply::new())
    })
}
