//! `DeleteCustomerGateway` (SPEC 14): a customer gateway that no IPsec connection uses (else
//! `DependencyViolation.VpnConnection`, the code DeleteVpnGateway documents for connections).
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-deletecustomergateway>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DeleteCustomerGateway",
    regional: true,
    required: &["CustomerGatewayId"],
    ram: RamTarget::Resource("CustomerGatewayId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("CustomerGatewayId")?;
    call.idempotent(|world| {
        world
            .customer_gateway(call.account_id(), call.region_id(), id)
            .ok_or(ApiError::InvalidCustomerGatewayInstanceIdNotFound)?;
        call.authorize_target()?;
        if world.connections_of_customer_gateway(id).next().is_some() {
            return Err(ApiError::DependencyViolationVpnConnection);
        }
        world.delete_customer_gateway(id);
        Ok(Reply::new())
    })
}
