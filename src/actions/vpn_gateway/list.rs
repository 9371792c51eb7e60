//! `DescribeVpnGateways` (SPEC section 11): the account's gateways in a region, filtered (all
//! filters must match; an empty filter is no filter) and paged as SPEC 7.4, in CreateTime then
//! ID order; each item is DescribeVpnGateway's fields.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-describevpngateways-vpn>

use serde_json::{Value, json};

use crate::actions::tag::TagFilter;
use crate::actions::{Call, Operation, Paging, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::{Params, Reply};
use crate::state::doc::{GatewayStatus, VpnGateway};

pub const OPERATION: Operation = Operation {
    name: "DescribeVpnGateways",
    regional: true,
    required: &[],
    ram: RamTarget::Action,
    client_token: false,
    run,
};

/// The parameters, checked.
struct Input<'a> {
    page_number: u64,
    page_size: u64,
    id: Option<&'a str>,
    vpc_id: Option<&'a str>,
    status: Option<&'a str>,
    business_status: Option<&'a str>,
    gateway_type: Option<&'a str>,
    resource_group_id: Option<&'a str>,
    tags: TagFilter<'a>,
}

impl<'a> Input<'a> {
    fn parse(params: &'a Params) -> Result<Self, ApiError> {
        let tags = TagFilter::parse(params)?;
        Ok(Input {
            page_number: Paging::number(params)?,
            page_size: Paging::size(params)?,
            id: params.filter("VpnGatewayId"),
            vpc_id: params.filter("VpcId"),
            status: params.filter("Status"),
            business_status: params.filter("BusinessStatus"),
            gateway_type: params.filter("GatewayType"),
            resource_group_id: params.filter("ResourceGroupId"),
            tags,
        })
    }

    /// Whether a gateway with this status now passes every filter.
    fn matches(&self, g: &VpnGateway, status: GatewayStatus) -> bool {
        self.id.is_none_or(|f| f == g.vpn_gateway_id)
            && self.vpc_id.is_none_or(|f| f == g.vpc_id)
            && self.status.is_none_or(|f| f == status.as_str())
            && self.business_status.is_none_or(|f| f == g.business_status)
            && self.gateway_type.is_none_or(|f| f == "Traditional")
            && self
                .resource_group_id
                .is_none_or(|f| f == g.resource_group_id)
            && self.tags.matches(&g.tags)
    }
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let input = Input::parse(call.params)?;
    let world = call.read();
    // The Status filter sees the status during a busy window.
    let candidates: Box<dyn Iterator<Item = &VpnGateway>> = match input.id {
        // One gateway is a lookup, not a scan.
        Some(id) => Box::new(
            world
                .gateway_in(call.account_id(), call.region_id(), id)
                .into_iter(),
        ),
        None => Box::new(world.gateways_in(call.account_id(), call.region_id())),
    };
    let matching: Vec<(&VpnGateway, GatewayStatus)> = candidates
        .map(|g| (g, world.gateway_status(g, call.now_ms)))
        .filter(|(g, status)| input.matches(g, *status))
        .collect();
    // The world keeps gateways in list order: CreateTime, then ID.
    let page: Vec<Value> = Paging::slice(&matching, input.page_number, input.page_size)
        .iter()
        .map(|(g, status)| Value::Object(super::describe::fields(g, *status)))
        .collect();
    Ok(reply(json!({
        "TotalCount": matching.len(),
        "PageNumber": input.page_number,
        "PageSize": input.page_size,
        "VpnGateways": { "VpnGateway": page },
    })))
}
