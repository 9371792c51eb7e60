//! `DescribeCustomerGateway` (SPEC 14): one customer gateway, `Asn` only when it has one.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-describecustomergateway-vpns>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeCustomerGateway",
    regional: true,
    required: &["CustomerGatewayId"],
    ram: RamTarget::Resource("CustomerGatewayId"),
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("CustomerGatewayId")?;
    let world = call.read();
    let c = world
        .customer_gateway(call.account_id(), call.region_id(), id)
        .ok_or(ApiError::InvalidCustomerGatewayInstanceIdNotFound)?;
    call.authorize_target()?;
    Ok(super::fields(c))
}
