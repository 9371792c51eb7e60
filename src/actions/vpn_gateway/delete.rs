//! `DeleteVpnGateway` (SPEC section 12): a pay-as-you-go gateway that is `active`, with its
//! SSL-VPN server and their certificates, in one change; a subscription gateway is
//! `ForbiddenRelease`.
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
        if !world.gateway_active(id, call.now_ms) {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        world.delete_gateway(id);
        Ok(Reply::new())
    })
}
