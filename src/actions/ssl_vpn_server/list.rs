//! `DescribeSslVpnServers` (SPEC section 11): the account's SSL-VPN servers in a region,
//! filtered (every filter must match; an unknown ID is an empty list, not an error) and paged as
//! SPEC 7.4, in CreateTime then ID order.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ssl-vpn/developer-reference/api-vpc-2016-04-28-describesslvpnservers-ssl-vpn>

use serde_json::{Value, json};

use crate::actions::{Call, Operation, Paging, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::{Params, Reply};
use crate::state::doc::SslVpnServer;

pub const OPERATION: Operation = Operation {
    name: "DescribeSslVpnServers",
    regional: true,
    required: &[],
    ram: RamTarget::Action,
    client_token: false,
    run,
};

/// The parameters, checked: paging and the filters (an empty filter is no filter).
struct Input<'a> {
    page_number: u64,
    page_size: u64,
    id: Option<&'a str>,
    gateway_id: Option<&'a str>,
    name: Option<&'a str>,
    resource_group_id: Option<&'a str>,
}

impl<'a> Input<'a> {
    fn parse(params: &'a Params) -> Result<Self, ApiError> {
        Ok(Input {
            page_number: Paging::number(params)?,
            page_size: Paging::size(params)?,
            id: params.filter("SslVpnServerId"),
            gateway_id: params.filter("VpnGatewayId"),
            name: params.filter("Name"),
            resource_group_id: params.filter("ResourceGroupId"),
        })
    }

    fn matches(&self, s: &SslVpnServer, account: &str, region: &str) -> bool {
        s.account_id == account
            && s.region_id == region
            && self.id.is_none_or(|f| f == s.ssl_vpn_server_id)
            && self.gateway_id.is_none_or(|f| f == s.vpn_gateway_id)
            && self.name.is_none_or(|f| f == s.name)
            && self
                .resource_group_id
                .is_none_or(|f| f == s.resource_group_id)
    }
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let input = Input::parse(call.params)?;
    let world = call.read();
    let (account, region) = (call.account_id(), call.region_id());
    // The narrowest index a filter allows: one server, one gateway's, or all.
    let candidates: Box<dyn Iterator<Item = &SslVpnServer>> = match (input.id, input.gateway_id) {
        (Some(id), _) => Box::new(world.server_by_id(id).into_iter()),
        (None, Some(gateway)) => Box::new(world.servers_of(gateway)),
        (None, None) => Box::new(world.servers_in(account, region)),
    };
    let skip = (input.page_number - 1).saturating_mul(input.page_size);
    let mut total = 0u64;
    let mut page: Vec<Value> = Vec::new();
    for s in candidates.filter(|s| input.matches(s, account, region)) {
        if total >= skip && (page.len() as u64) < input.page_size {
            let gateway = world.gateway(&s.vpn_gateway_id);
            page.push(Value::Object(super::fields(s, gateway, super::Shape::List)));
        }
        total += 1;
    }
    Ok(reply(json!({
        "TotalCount": total,
        "PageNumber": input.page_number,
        "PageSize": input.page_size,
        "SslVpnServers": { "SslVpnServer": page },
    })))
}
