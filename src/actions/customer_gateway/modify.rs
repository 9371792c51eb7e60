//! `ModifyCustomerGatewayAttribute` (SPEC 14): a customer gateway's name, description and BGP
//! key, at once (its address and ASN cannot change); answers its attributes.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-modifycustomergatewayattribute-vpns>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "ModifyCustomerGatewayAttribute",
    regional: true,
    required: &["CustomerGatewayId"],
    ram: RamTarget::Resource("CustomerGatewayId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("CustomerGatewayId")?;
    let name = call.name()?;
    let description = super::description(call)?;
    let auth_key = super::auth_key(call)?;
    call.idempotent(|world| {
        let old = world
            .customer_gateway(call.account_id(), call.region_id(), id)
            .ok_or(ApiError::InvalidCustomerGatewayInstanceIdNotFound)?;
        call.authorize_target()?;
        let mut c = old.clone();
        if let Some(name) = name {
            c.name = Some(name.into_string());
        }
        if let Some(description) = description {
            c.description = description;
        }
        if let Some(key) = auth_key {
            c.auth_key = key;
        }
        let answer = super::short_fields(&c, true);
        if c != *old {
            world.put_customer_gateway(c);
        }
        Ok(answer)
    })
}
