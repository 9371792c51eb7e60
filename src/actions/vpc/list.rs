//! `DescribeVpcs` (SPEC section 12): the account's VPCs in a region, filtered (up to 20
//! comma-separated `VpcId`s, `VpcName`, `ResourceGroupId`, `IsDefault`, `Tag.N`) and paged as
//! SPEC 7.4, in CreationTime then ID order.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-describevpcs>

use serde_json::{Value, json};

use super::Shape;
use crate::actions::parse_bool;
use crate::actions::tag::TagFilter;
use crate::actions::{Call, Operation, Paging, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeVpcs",
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
    let ids: Option<Vec<&str>> = params.filter("VpcId").map(|v| v.split(',').collect());
    if ids
        .as_ref()
        .is_some_and(|ids| ids.len() > 20 || ids.iter().any(|id| id.is_empty()))
    {
        return Err(ApiError::InvalidParameter("VpcId".into()));
    }
    let name = params.filter("VpcName");
    let group = params.filter("ResourceGroupId");
    // The emulator has no default VPC: `IsDefault=true` lists none.
    let only_default = parse_bool(params, "IsDefault")?.unwrap_or(false);
    let tags = TagFilter::parse(params)?;
    let world = call.read();
    let (account, region) = (call.account_id(), call.region_id());
    if ids.is_none() && name.is_none() && group.is_none() && !only_default && tags.is_empty() {
        // Unfiltered: the count is the index's, and the index finds the page.
        let (skip, size) = Paging::window(page_number, page_size);
        let page: Vec<Value> = world
            .vpcs_in_from(account, region, skip)
            .take(size)
            .map(|v| Value::Object(super::fields(&world, v, Shape::List)))
            .collect();
        return Ok(reply(json!({
            "TotalCount": world.vpc_count_in(account, region),
            "PageNumber": page_number,
            "PageSize": page_size,
            "Vpcs": { "Vpc": page },
        })));
    }
    let matching: Vec<_> = world
        .vpcs_in(call.account_id(), call.region_id())
        .filter(|v| {
            !only_default
                && ids
                    .as_ref()
                    .is_none_or(|ids| ids.contains(&v.vpc_id.as_str()))
                && name.is_none_or(|f| f == v.vpc_name)
                && group.is_none_or(|f| f == v.resource_group_id)
                && tags.matches(&v.tags)
        })
        .collect();
    let page: Vec<Value> = Paging::slice(&matching, page_number, page_size)
        .iter()
        .map(|v| Value::Object(super::fields(&world, v, Shape::List)))
        .collect();
    Ok(reply(json!({
        "TotalCount": matching.len(),
        "PageNumber": page_number,
        "PageSize": page_size,
        "Vpcs": { "Vpc": page },
    })))
}
