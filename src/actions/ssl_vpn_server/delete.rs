//! `DeleteSslVpnServer` (SPEC section 11): removes a server and every client certificate under
//! it, in one change; needs its gateway `active`, and starts the gateway's busy window.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ssl-vpn/developer-reference/api-vpc-2016-04-28-deletesslvpnserver-ssl-vpn>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DeleteSslVpnServer",
    regional: true,
    required: &["SslVpnServerId"],
    ram: RamTarget::Resource("SslVpnServerId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("SslVpnServerId")?;
    call.idempotent(|world| {
        let server = world
            .server(call.account_id(), call.region_id(), id)
            .ok_or(ApiError::InvalidSslVpnServerIdNotFound)?;
        call.authorize_target()?;
        let gateway_id = server.vpn_gateway_id.clone();
        if !world.gateway_active(&gateway_id, call.now_ms) {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        world.delete_server(id);
        world.start_busy(&gateway_id, call.now_ms, call.gateway_busy_ms);
        Ok(Reply::new())
    })
}
