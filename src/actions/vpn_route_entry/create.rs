//! `CreateVpnRouteEntry` (SPEC 14): a destination route of a VPN gateway through one of its
//! IPsec connections (at most 20 per gateway, each destination and next hop once), `published`
//! to the VPC's system route table or `normal`; needs the gateway `active` and starts its busy
//! window.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-createvpnrouteentry-vpns>

use serde_json::json;

use crate::actions::{Call, Operation, RamTarget, parse_bool, reply};
use crate::error::ApiError;
use crate::ipsec;
use crate::names::checked_text;
use crate::protocol::Reply;
use crate::state::doc::VpnRouteEntry;

pub const OPERATION: Operation = Operation {
    name: "CreateVpnRouteEntry",
    regional: true,
    required: &[
        "VpnGatewayId",
        "RouteDest",
        "NextHop",
        "Weight",
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
    let weight = super::weight(params, "Weight")?;
    let publish = parse_bool(params, "PublishVpc")?.unwrap_or(false);
    super::overlay_mode(params)?;
    let description = params
        .get("Description")
        .map(|d| checked_text(d, 100, true, ApiError::InvalidDescription))
        .transpose()?
        .unwrap_or_default();
    parse_bool(params, "DryRun")?;
    call.idempotent(|world| {
        at.check_gateway(call, world)?;
        world
            .connection_by_id(next_hop)
            .filter(|c| c.vpn_gateway_id == gateway_id)
            .ok_or(ApiError::InvalidVpnConnectionInstanceIdNotFound)?;
        if world.route(gateway_id, dest, next_hop).is_some() {
            return Err(ApiError::VpnRouteEntryAlreadyExists);
        }
        if world.routes_of(gateway_id).count() >= ipsec::ROUTES_PER_GATEWAY {
            return Err(ApiError::ResourceQuotaFull);
        }
        if !world.gateway_active(gateway_id, call.now_ms) {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        let route = VpnRouteEntry {
            vpn_gateway_id: gateway_id.to_owned(),
            route_dest: dest.to_owned(),
            next_hop: next_hop.to_owned(),
            weight,
            state: super::state_of(publish).to_owned(),
            description: description.clone(),
            overlay_mode: "Ipsec".into(),
            create_time: Some(call.now_ms),
            key: String::new(),
            region_id: call.region_id().to_owned(),
            account_id: call.account_id().to_owned(),
        };
        world.put_route(route);
        world.start_busy(gateway_id, call.now_ms, call.gateway_busy_ms);
        Ok(reply(json!({
            "VpnInstanceId": gateway_id,
            "RouteDest": dest,
            "NextHop": next_hop,
            "OverlayMode": "Ipsec",
            "Weight": weight,
            "State": super::state_of(publish),
            "Description": description,
            "CreateTime": call.now_ms,
        })))
    })
}
