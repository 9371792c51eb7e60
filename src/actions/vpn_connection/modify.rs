//! `ModifyVpnConnectionAttribute` (SPEC 14): any setting of a connection but its gateways. A
//! value equal to the current one is no change; a new name alone is applied at once; any other
//! change needs the gateway `active` and starts its busy window. Answers the connection in the
//! API's Modify shape.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-modifyvpnconnectionattribute-vpns>

use super::{Settings, Shape, fields};
use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "ModifyVpnConnectionAttribute",
    regional: true,
    required: &["VpnConnectionId"],
    ram: RamTarget::Resource("VpnConnectionId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VpnConnectionId")?;
    let settings = Settings::parse(call)?;
    call.idempotent(|world| {
        let old = world
            .connection(call.account_id(), call.region_id(), id)
            .ok_or(ApiError::InvalidVpnConnectionInstanceIdNotFound)?;
        call.authorize_target()?;
        let gateway = world
            .gateway(&old.vpn_gateway_id)
            .ok_or(ApiError::InternalError)?;
        let new = settings.apply(old, world, gateway)?;
        let gateway_id = new.vpn_gateway_id.clone();
        if Settings::more_than_name(old, &new) {
            if !world.gateway_active(&gateway_id, call.now_ms) {
                return Err(ApiError::VpnGatewayConfiguring);
            }
            world.put_connection(new);
            world.start_busy(&gateway_id, call.now_ms, call.gateway_busy_ms);
        } else if old.name != new.name {
            world.put_connection(new);
        }
        let c = world.connection_by_id(id).ok_or(ApiError::InternalError)?;
        Ok(fields(
            c,
            world.gateway(&gateway_id),
            world.customer_gateway_by_id(&c.customer_gateway_id),
            Shape::Modify,
        ))
    })
}
