//! `ListTagResources` (SPEC section 12): the tags of the named resources (or of every resource
//! of the type), one entry per resource and tag, paged by `NextToken` (`""` on the last page).
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-listtagresources>

use serde_json::{Value, json};

use super::{Kind, TagFilter, resource_ids, tags_of};
use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;
use crate::state::doc::Tag;

pub const OPERATION: Operation = Operation {
    name: "ListTagResources",
    regional: true,
    required: &["ResourceType"],
    ram: RamTarget::Action,
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let kind = Kind::parse(call.params)?;
    let ids = resource_ids(call.params)?;
    let filter = TagFilter::parse(call.params)?;
    let max = match call.params.filter("MaxResults") {
        None => 50,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=50).contains(n) && v.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| ApiError::InvalidParameter("MaxResults".into()))?,
    };
    // The token is the offset of the next entry, as the previous page gave it.
    let start = match call.params.filter("NextToken") {
        None => 0,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|_| v.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| ApiError::InvalidParameter("NextToken".into()))?,
    };
    let world = call.read();
    let (account, region) = (call.account_id(), call.region_id());
    let mut resources: Vec<(&str, &[Tag])> = Vec::new();
    if ids.is_empty() {
        match kind {
            Kind::Vpc => resources.extend(
                world
                    .vpcs_in(account, region)
                    .map(|v| (v.vpc_id.as_str(), v.tags.as_slice())),
            ),
            Kind::VSwitch => resources.extend(
                world
                    .vswitches_in(account, region)
                    .map(|v| (v.vswitch_id.as_str(), v.tags.as_slice())),
            ),
            Kind::VpnGateway => resources.extend(
                world
                    .gateways_in(account, region)
                    .map(|g| (g.vpn_gateway_id.as_str(), g.tags.as_slice())),
            ),
            Kind::CustomerGateway => resources.extend(
                world
                    .customer_gateways_in(account, region)
                    .map(|c| (c.customer_gateway_id.as_str(), c.tags.as_slice())),
            ),
            Kind::VpnConnection => resources.extend(
                world
                    .connections()
                    .filter(|c| c.account_id == account && c.region_id == region)
                    .map(|c| (c.vpn_connection_id.as_str(), c.tags.as_slice())),
            ),
        }
    } else {
        for id in ids {
            let tags = tags_of(&world, kind, account, region, id).ok_or(kind.not_found())?;
            resources.push((id, tags));
        }
    }
    let entries: Vec<Value> = resources
        .into_iter()
        .filter(|(_, tags)| filter.matches(tags))
        .flat_map(|(id, tags)| {
            tags.iter().map(move |t| {
                json!({
                    "ResourceId": id,
                    "ResourceType": kind.name(),
                    "TagKey": t.key,
                    "TagValue": t.value,
                })
            })
        })
        .collect();
    let page: Vec<Value> = entries.iter().skip(start).take(max).cloned().collect();
    let next = if start.saturating_add(max) < entries.len() {
        (start + max).to_string()
    } else {
        String::new()
    };
    Ok(reply(json!({
        "NextToken": next,
        "TagResources": { "TagResource": page },
    })))
}
