//! `ModifySslVpnServer` (SPEC section 11): changes any setting of a server but its gateway. A
//! value equal to the current one is no change; a new name alone is applied at once; any other
//! change needs the gateway `active` and starts its busy window. Answers the whole server.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ssl-vpn/developer-reference/api-vpc-2016-04-28-modifysslvpnserver-ssl-vpn>

use super::Settings;
use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "ModifySslVpnServer",
    regional: true,
    required: &["SslVpnServerId"],
    ram: RamTarget::Resource("SslVpnServerId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("SslVpnServerId")?;
    let settings = Settings::parse(call, false)?;
    call.idempotent(|world| {
        let old = world
            .server(call.account_id(), call.region_id(), id)
            .ok_or(ApiError::InvalidSslVpnServerIdNotFound)?;
        call.authorize_target()?;
        let new = settings.apply(old);
        settings.check_overlap(&new)?;
        settings.check_idaas(&new)?;
        let gateway_id = new.vpn_gateway_id.clone();
        if Settings::more_than_name(old, &new) {
            if !world.gateway_active(&gateway_id, call.now_ms) {
                return Err(ApiError::VpnGatewayConfiguring);
            }
            world.put_server(new);
            world.start_busy(&gateway_id, call.now_ms, call.gateway_busy_ms);
        } else if old.name != new.name {
            world.put_server(new);
        }
        let server = world.server_by_id(id).ok_or(ApiError::InternalError)?;
        Ok(super::fields(
            server,
            world.gateway(&gateway_id),
            super::Shape::Modify,
        ))
    })
}
