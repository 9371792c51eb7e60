//! `DescribeVSwitches` (SPEC section 12): the account's vSwitches in a region, filtered (every
//! filter must match) and paged as SPEC 7.4, in CreationTime then ID order.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-describevswitches>

use serde_json::{Value, json};

use crate::actions::parse_bool;
use crate::actions::tag::TagFilter;
use crate::actions::{Call, Operation, Paging, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeVSwitches",
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
    let vpc_id = params.filter("VpcId");
    let id = params.filter("VSwitchId");
    let zone = params.filter("ZoneId");
    let name = params.filter("VSwitchName");
    let group = params.filter("ResourceGroupId");
    let route_table = params.filter("RouteTableId");
    let only_default = parse_bool(params, "IsDefault")?.unwrap_or(false);
    let tags = TagFilter::parse(params)?;
    let world = call.read();
    let matching: Vec<_> = world
        .vswitches_in(call.account_id(), call.region_id())
        .filter(|s| {
            let vpc = world.vpc_by_id(&s.vpc_id);
            !only_default
                && vpc_id.is_none_or(|f| f == s.vpc_id)
                && id.is_none_or(|f| f == s.vswitch_id)
                && zone.is_none_or(|f| f == s.zone_id)
                && name.is_none_or(|f| f == s.vswitch_name)
                && group.is_none_or(|f| vpc.is_some_and(|v| v.resource_group_id == f))
                && route_table.is_none_or(|f| vpc.is_some_and(|v| v.route_table_id == f))
                && tags.matches(&s.tags)
        })
        .collect();
    let page: Vec<Value> = Paging::slice(&matching, page_number, page_size)
        .iter()
        .map(|s| Value::Object(super::fields(&world, s)))
        .collect();
    Ok(reply(json!({
        "TotalCount": matching.len(),
        "PageNumber": page_number,
        "PageSize": page_size,
        "VSwitches": { "VSwitch": page },
    })))
}
