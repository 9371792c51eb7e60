//! `DescribeCustomerGateways` (SPEC 14): the account's customer gateways in a region, filtered
//! by `CustomerGatewayId`, `ResourceGroupId` and `Tag.N` (all must match; an unknown ID is an
//! empty list) and paged as SPEC 7.4, in CreateTime then ID order.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-describecustomergateways-vpns>

use serde_json::{Value, json};

use crate::actions::tag::TagFilter;
use crate::actions::{Call, Operation, Paging, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeCustomerGateways",
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
    let id = params.filter("CustomerGatewayId");
    let group = params.filter("ResourceGroupId");
    let tags = TagFilter::parse(params)?;
    let world = call.read();
    let items: Vec<Value> = world
        .customer_gateways_in(call.account_id(), call.region_id())
        .filter(|c| {
            id.is_none_or(|f| f == c.customer_gateway_id)
                && group.is_none_or(|f| f == c.resource_group_id)
                && tags.matches(&c.tags)
        })
        .map(|c| Value::Object(super::fields(c)))
        .collect();
    Ok(reply(json!({
        "TotalCount": items.len(),
        "PageNumber": page_number,
        "PageSize": page_size,
        "CustomerGateways": { "CustomerGateway": Paging::slice(&items, page_number, page_size) },
    })))
}
