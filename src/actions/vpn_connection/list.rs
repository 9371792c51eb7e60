//! `DescribeVpnConnections` (SPEC 14): the account's IPsec connections in a region, filtered by
//! `VpnGatewayId`, `CustomerGatewayId`, `VpnConnectionId`, `ResourceGroupId` (the gateway's)
//! and `Tag.N` (all must match; an unknown ID is an empty list) and paged as SPEC 7.4, in
//! CreateTime then ID order. Items carry their tags as `Tag.Tag[]`.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-describevpnconnections-vpns>

use serde_json::{Value, json};

use super::{Shape, fields};
use crate::actions::tag::TagFilter;
use crate::actions::{Call, Operation, Paging, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;
use crate::state::doc::VpnConnection;

pub const OPERATION: Operation = Operation {
    name: "DescribeVpnConnections",
    regional: true,
    required: &[],
    ram: RamTarget::Action,
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let params = call.params;
    let page_number = Paging::number(params)?;
    let page_size = Paging::size(params)?;
    let gateway_id = params.filter("VpnGatewayId");
    let customer_id = params.filter("CustomerGatewayId");
    let id = params.filter("VpnConnectionId");
    let group = params.filter("ResourceGroupId");
    let tags = TagFilter::parse(params)?;
    let (account, region) = (call.account_id(), call.region_id());
    let world = call.read();
    let candidates: Box<dyn Iterator<Item = &VpnConnection>> = match gateway_id {
        Some(g) => Box::new(world.connections_of(g)),
        None => Box::new(world.connections()),
    };
    let items: Vec<Value> = candidates
        .filter(|c| {
            let gateway = world.gateway(&c.vpn_gateway_id);
            c.account_id == account
                && c.region_id == region
                && customer_id.is_none_or(|f| f == c.customer_gateway_id)
                && id.is_none_or(|f| f == c.vpn_connection_id)
                && group.is_none_or(|f| gateway.is_some_and(|g| g.resource_group_id == f))
                && tags.matches(&c.tags)
        })
        .map(|c| {
            Value::Object(fields(
                c,
                world.gateway(&c.vpn_gateway_id),
                world.customer_gateway_by_id(&c.customer_gateway_id),
                Shape::List,
            ))
        })
        .collect();
    Ok(reply(json!({
        "TotalCount": items.len(),
        "PageNumber": page_number,
        "PageSize": page_size,
        "VpnConnections": { "VpnConnection": Paging::slice(&items, page_number, page_size) },
    })))
}
