//! `DownloadVpnConnectionConfig` (SPEC 14): a connection's settings as its customer gateway's
//! side would configure them: `Local` and `IkeConfig.LocalId` are the customer gateway,
//! `Remote` and `RemoteId` the VPN gateway, `LocalSubnet` the on-premises side.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-downloadvpnconnectionconfig-vpns>

use serde_json::json;

use super::{ike_value, ipsec_value};
use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DownloadVpnConnectionConfig",
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
    let local = world
        .customer_gateway_by_id(&c.customer_gateway_id)
        .map_or("", |g| g.ip_address.as_str());
    let remote = world
        .gateway(&c.vpn_gateway_id)
        .map_or("", |g| g.internet_ip.as_str());
    let mut ike = c.ike_config.clone();
    std::mem::swap(&mut ike.local_id, &mut ike.remote_id);
    Ok(reply(json!({
        "VpnConnectionConfig": {
            "LocalSubnet": c.remote_subnet,
            "RemoteSubnet": c.local_subnet,
            "Local": local,
            "Remote": remote,
            "IkeConfig": ike_value(&ike),
            "IpsecConfig": ipsec_value(&c.ipsec_config),
        }
    })))
}
