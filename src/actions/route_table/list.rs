//! `DescribeRouteTableList` (SPEC section 12): one `System` route table per VPC, with its
//! vRouter and the VPC's vSwitches, filtered and paged as SPEC 7.4.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-describeroutetablelist>

use serde_json::{Value, json};

use crate::actions::tag::tags_value;
use crate::actions::vpc::owner_id;
use crate::actions::{Call, Operation, Paging, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;
use crate::state::iso_time;

pub const OPERATION: Operation = Operation {
    name: "DescribeRouteTableList",
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
    let id = params.filter("RouteTableId");
    let kind = params.filter("RouteTableType");
    let router = params.filter("RouterId");
    let name = params.filter("RouteTableName");
    let world = call.read();
    let matching: Vec<_> = world
        .vpcs_in(call.account_id(), call.region_id())
        .filter(|v| {
            vpc_id.is_none_or(|f| f == v.vpc_id)
                && id.is_none_or(|f| f == v.route_table_id)
                && kind.is_none_or(|f| f == "System")
                && router.is_none_or(|f| f == v.vrouter_id)
                && name.is_none_or(str::is_empty)
        })
        .collect();
    let page: Vec<Value> = Paging::slice(&matching, page_number, page_size)
        .iter()
        .map(|v| {
            let vswitches: Vec<&str> = world
                .vswitches_of(&v.vpc_id)
                .map(|s| s.vswitch_id.as_str())
                .collect();
            json!({
                "RouteTableId": v.route_table_id,
                "RouteTableName": "",
                "RouteTableType": "System",
                "VpcId": v.vpc_id,
                "RouterId": v.vrouter_id,
                "RouterType": "VRouter",
                "Status": "Available",
                "Description": "",
                "AssociateType": "VSwitch",
                "CreationTime": iso_time(v.created_ms),
                "ResourceGroupId": v.resource_group_id,
                "OwnerId": owner_id(&v.account_id),
                "RoutePropagationEnable": true,
                "VSwitchIds": { "VSwitchId": vswitches },
                "GatewayIds": { "GatewayIds": [] },
                "Tags": tags_value(&[]),
            })
        })
        .collect();
    Ok(reply(json!({
        "TotalCount": matching.len(),
        "PageNumber": page_number,
        "PageSize": page_size,
        "RouterTableList": { "RouterTableListType": page },
    })))
}
