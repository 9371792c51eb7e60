//! `DeleteVpnConnection` (SPEC 14): removes a connection, and the destination routes whose next
//! hop it is, in one change; needs its gateway `active` and starts the gateway's busy window.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-deletevpnconnection>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DeleteVpnConnection",
    regional: true,
    required: &["VpnConnectionId"],
    ram: RamTarget::Resource("VpnConnectionId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VpnConnectionId")?;
    call.idempotent(|world| {
        let c = world
            .connection(call.account_id(), call.region_id(), id)
            .ok_or(ApiError::InvalidVpnConnectionInstanceIdNotFound)?;
        call.authorize_target()?;
        let gateway_id = c.vpn_gateway_id.clone();
        if !world.gateway_active(&gateway_id, call.now_ms) {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        world.delete_connection(id);
        world.start_busy(&gateway_id, call.now_ms, call.gateway_busy_ms);
        Ok(Reply::new())
    })
}
