//! `DeleteVpnGateway` (SPEC section 12): a pay-as-you-go gateway that is `active` and has no
//! SSL-VPN server and no IPsec connection left; a subscription gateway is `ForbiddenRelease`.
//! (Until SPEC 14 it took its server and certificates with it; the cloud refuses instead.)
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-deletevpngateway>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DeleteVpnGateway",
    regional: true,
    required: &["VpnGatewayId"],
    ram: RamTarget::Resource("VpnGatewayId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VpnGatewayId")?;
    call.idempotent(|world| {
        let g = world
            .gateway_in(call.account_id(), call.region_id(), id)
            .ok_or(ApiError::InvalidVpnGatewayInstanceIdNotFound)?;
        call.authorize_target()?;
        if g.charge_type == "Prepay" {
            return Err(ApiError::ForbiddenRelease);
        }
        if world.servers_of(id).next().is_some() {
            return Err(ApiError::DependencyViolationSslVpnServer);
        }
        if world.connections_of(id).next().is_some() {
            return Err(ApiError::DependencyViolationVpnConnection);
        }
        if !world.gateway_active(id, call.now_ms) {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        world.delete_gateway(id);
        Ok(Reply::new())
    })
}
