//! `ModifyVpnGatewayAttribute` (SPEC section 12): a gateway's name, description and route
//! propagation, at once; answers the gateway's attributes.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-modifyvpngatewayattribute>

use serde_json::json;

use crate::actions::ssl_vpn_server::parse_bool;
use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::names::{CertName, checked_text};
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "ModifyVpnGatewayAttribute",
    regional: true,
    required: &["VpnGatewayId"],
    ram: RamTarget::Resource("VpnGatewayId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VpnGatewayId")?;
    let name = call
        .params
        .get("Name")
        .map(|n| CertName::parse(n, call.name_rule))
        .transpose()?;
    let description = call
        .params
        .get("Description")
        .map(|d| checked_text(d, 100, false, ApiError::InvalidDescription))
        .transpose()?;
    let auto_propagate = parse_bool(call.params, "AutoPropagate")?;
    call.idempotent(|world| {
        let old = world
            .gateway_in(call.account_id(), call.region_id(), id)
            .ok_or(ApiError::InvalidVpnGatewayInstanceIdNotFound)?;
        call.authorize_target()?;
        let mut g = old.clone();
        if let Some(name) = name {
            g.name = Some(name.into_string());
        }
        if let Some(description) = description {
            g.description = description;
        }
        if let Some(on) = auto_propagate {
            g.auto_propagate = on;
        }
        let status = world.gateway_status(&g, call.now_ms);
        let answer = reply(json!({
            "VpnGatewayId": g.vpn_gateway_id,
            "VpcId": g.vpc_id,
            "VSwitchId": g.vswitch_id,
            "InternetIp": g.internet_ip,
            "IntranetIp": "",
            "DisasterRecoveryInternetIp": "",
            "DisasterRecoveryVSwitchId": "",
            "SslVpnInternetIp": "",
            "Name": g.name.as_deref().unwrap_or(&g.vpn_gateway_id),
            "Description": g.description,
            "Spec": g.spec,
            "Status": status,
            "BusinessStatus": g.business_status,
            "ResourceGroupId": g.resource_group_id,
            "CreateTime": g.create_time,
            "EndTime": g.end_time,
            "EnableBgp": g.enable_bgp,
            "AutoPropagate": g.auto_propagate,
        }));
        if g != *old {
            world.put_gateway(g);
        }
        Ok(answer)
    })
}
