//! `DescribeVpnConnection` (SPEC 14): one IPsec connection with its settings as JSON objects,
//! `State` `active` and `Status` `ike_sa_not_established` (no peer ever negotiates).
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-describevpnconnection-vpns>

use super::{Shape, fields};
use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeVpnConnection",
    regional: true,
    required: &["VpnConnectionId"],
    ram: RamTarget::Resource("VpnConnectionId"),
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VpnConnectionId")?;
    let world = call.read();
    let c = world
        .connection(call.account_id(), call.region_id(), id)
        .ok_or(ApiError::InvalidVpnConnectionInstanceIdNotFound)?;
    call.authorize_target()?;
    Ok(fields(
        c,
        world.gateway(&c.vpn_gateway_id),
        world.customer_gateway_by_id(&c.customer_gateway_id),
        Shape::Describe,
    ))
}
