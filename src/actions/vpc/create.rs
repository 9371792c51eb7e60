//! `CreateVpc` (SPEC section 12): a VPC with its vRouter and `System` route table, `Available`
//! at once.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-createvpc>

use serde_json::json;

use crate::actions::parse_bool;
use crate::actions::tag::parse_tags;
use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;
use crate::rules;
use crate::state::doc::Vpc;
use crate::state::state_time;

pub const OPERATION: Operation = Operation {
    name: "CreateVpc",
    regional: true,
    required: &[],
    ram: RamTarget::Action,
    client_token: true,
    run,
};

/// `UserCidr`: up to three comma-separated network addresses outside 100.64.0.0/10.
pub(super) fn user_cidrs(text: Option<&str>) -> Result<Vec<String>, ApiError> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    let blocks: Option<Vec<String>> = text
        .split(',')
        .map(|b| rules::user_cidr(b).map(|_| b.to_owned()))
        .collect();
    blocks
        .filter(|b| b.len() <= rules::MAX_USER_CIDRS)
        .ok_or_else(|| ApiError::InvalidParameter("UserCidr".into()))
}

/// `EnableDnsHostname` as the state keeps it.
pub(super) fn dns_hostname(call: &Call) -> Result<Option<&'static str>, ApiError> {
    Ok(parse_bool(call.params, "EnableDnsHostname")?
        .map(|on| if on { "ENABLED" } else { "DISABLED" }))
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let (name, description) = super::name_and_description(call.params)?;
    let cidr = call.params.filter("CidrBlock").unwrap_or("172.16.0.0/12");
    super::vpc_cidr(cidr)?;
    let user_cidrs = user_cidrs(call.params.filter("UserCidr"))?;
    let dns = dns_hostname(call)?;
    let tags = parse_tags(call.params)?;
    let group = call.params.filter("ResourceGroupId").unwrap_or_default();
    call.idempotent(|world| {
        let id = loop {
            let id = call.ids.resource_id("vpc-");
            if world.vpc_by_id(&id).is_none() {
                break id;
            }
        };
        let vpc = Vpc {
            vrouter_id: call.ids.resource_id("vrt-"),
            route_table_id: call.ids.resource_id("vtb-"),
            vpc_id: id,
            region_id: call.region_id().to_owned(),
            account_id: call.account_id().to_owned(),
            cidr_block: cidr.to_owned(),
            vpc_name: name.unwrap_or_default(),
            description: description.unwrap_or_default(),
            resource_group_id: group.to_owned(),
            creation_time: state_time(call.now_ms),
            tags: tags.into_iter().map(|(_, t)| t).collect(),
            user_cidrs,
            dns_hostname_status: dns.unwrap_or("DISABLED").to_owned(),
            created_ms: call.now_ms,
        };
        let answer = reply(json!({
            "VpcId": vpc.vpc_id,
            "VRouterId": vpc.vrouter_id,
            "RouteTableId": vpc.route_table_id,
            "ResourceGroupId": vpc.resource_group_id,
        }));
        world.put_vpc(vpc);
        Ok(answer)
    })
}
