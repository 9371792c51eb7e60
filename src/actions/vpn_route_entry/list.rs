//! `DescribeVpnRouteEntries` (SPEC 14): a gateway's destination routes (`RouteEntryType`
//! `custom`, the default; `bgp` lists none, as no BGP route is ever learned), paged as SPEC 7.4,
//! in CreateTime, then destination, then next hop order, with their count.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-describevpnrouteentries-vpns>

use serde_json::{Value, json};

use crate::actions::{Call, Operation, Paging, RamTarget, parse_word, reply};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeVpnRouteEntries",
    regional: true,
    required: &["VpnGatewayId"],
    ram: RamTarget::Action,
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let params = call.params;
    let gateway_id = params.required("VpnGatewayId")?;
    let kind = parse_word(params, "RouteEntryType", &["custom", "bgp"])?.unwrap_or("custom");
    let page_number = Paging::number(params)?;
    let page_size = Paging::size(params)?;
    let world = call.read();
    world
        .gateway_in(call.account_id(), call.region_id(), gateway_id)
        .ok_or(ApiError::InvalidVpnGatewayInstanceIdNotFound)?;
    let items: Vec<Value> = if kind == "custom" {
        world
            .routes_of(gateway_id)
            .map(|r| {
                json!({
                    "VpnInstanceId": r.vpn_gateway_id,
                    "RouteDest": r.route_dest,
                    "NextHop": r.next_hop,
                    "Weight": r.weight,
                    "State": r.state,
                    "RouteEntryType": "custom",
                    "CreateTime": r.create_time.unwrap_or(0),
                    "NextHopTunnelId": "",
                    "Source": "",
                    "AsPath": "",
                    "Community": "",
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(reply(json!({
        "TotalCount": items.len(),
        "PageNumber": page_number,
        "PageSize": page_size,
        "VpnRouteEntries": { "VpnRouteEntry": Paging::slice(&items, page_number, page_size) },
        "VpnRouteCounts": { "VpnRouteCount": [
            { "RouteEntryType": kind, "Source": "", "RouteCount": items.len() }
        ] },
    })))
}
