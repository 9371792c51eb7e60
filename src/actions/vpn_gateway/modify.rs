//! `ModifyVpnGatewayAttribute` (SPEC section 12): a gateway's name, description and route
//! propagation, at once; answers the gateway's attributes.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-modifyvpngatewayattribute>

use serde_json::json;

use crate::actions::parse_bool;
use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::names::checked_text;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "ModifyVpnGatewayAttribute",
    regional: true,
    required: &["VpnGatewayId"],
    ram: RamTarget::Resource("VpnGatewayId"),
    client_token: true,
    run,
};

/// The fields of the answer, in order (the reference's model of ModifyVpnGatewayAttribute).
const ANSWER: [&str; 18] = [
    "VpnGatewayId",
    "VpcId",
    "VSwitchId",
    "InternetIp",
    "IntranetIp",
    "DisasterRecoveryInternetIp",
    "DisasterRecoveryVSwitchId",
    "SslVpnInternetIp",
    "Name",
    "Description",
    "Spec",
    "Status",
    "BusinessStatus",
    "ResourceGroupId",
    "CreateTime",
    "EndTime",
    "EnableBgp",
    "AutoPropagate",
];

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VpnGatewayId")?;
    let name = call.name()?;
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
        // The answer is DescribeVpnGateway's fields the API's Modify model has, in its order,
        // and `IntranetIp`.
        let all = super::describe::fields(&g, world.gateway_status(&g, call.now_ms));
        let answer: Reply = ANSWER
            .iter()
            .map(|&key| {
                let value = all.get(key).cloned().unwrap_or_else(|| json!(""));
                (key.to_owned(), value)
            })
            .collect();
        if g != *old {
            world.put_gateway(g);
        }
        Ok(answer)
    })
}
