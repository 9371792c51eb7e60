//! `DescribeVpnGateway` (SPEC section 11): one VPN gateway with the fields and JSON types of the
//! reference (`Tag` the system-label string, `EniInstanceIds` and `Tags` wrapper objects,
//! never `ReservationData`).
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-describevpngateway-vpn>

use serde_json::json;

use crate::actions::tag::tags_value;

use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;
use crate::state::doc::{GatewayStatus, VpnGateway};

pub const OPERATION: Operation = Operation {
    name: "DescribeVpnGateway",
    regional: true,
    required: &["VpnGatewayId"],
    ram: RamTarget::Resource("VpnGatewayId"),
    client_token: false,
    run,
};

/// The parameters, checked (`IncludeReservationData` is accepted and ignored).
struct Input<'a> {
    region: &'a str,
    id: &'a str,
}

impl<'a> Input<'a> {
    fn parse(call: &'a Call) -> Result<Self, ApiError> {
        Ok(Input {
            region: call.region_id(),
            id: call.params.required("VpnGatewayId")?,
        })
    }
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let Input { region, id } = Input::parse(call)?;
    let world = call.read();
    let g = world
        .gateway_in(call.account_id(), region, id)
        .ok_or(ApiError::InvalidVpnGatewayInstanceIdNotFound)?;
    call.authorize_target()?;
    Ok(fields(g, world.gateway_status(g, call.now_ms)))
}

/// A gateway as DescribeVpnGateway answers it (and each DescribeVpnGateways item), with its
/// status now (its busy window included).
pub(super) fn fields(g: &VpnGateway, status: GatewayStatus) -> Reply {
    reply(json!({
        "VpnGatewayId": g.vpn_gateway_id,
        "VpcId": g.vpc_id,
        "VSwitchId": g.vswitch_id,
        "InternetIp": g.internet_ip,
        "DisasterRecoveryInternetIp": "",
        "DisasterRecoveryVSwitchId": "",
        "SslVpnInternetIp": "",
        "Name": g.name.as_deref().unwrap_or(&g.vpn_gateway_id),
        "Description": g.description,
        "Spec": g.spec,
        "Status": status,
        "BusinessStatus": g.business_status,
        "ChargeType": g.charge_type,
        "IpsecVpn": g.ipsec_vpn,
        "SslVpn": g.ssl_vpn,
        "SslMaxConnections": g.ssl_max_connections,
        "NetworkType": g.network_type,
        "GatewayType": "Traditional",
        "VpnType": g.vpn_type,
        "AutoPropagate": g.auto_propagate,
        "EnableBgp": g.enable_bgp,
        "CreateTime": g.create_time,
        "EndTime": g.end_time,
        "ResourceGroupId": g.resource_group_id,
        "Tag": "",
        "EniInstanceIds": { "EniInstanceId": [] },
        "Tags": tags_value(&g.tags),
    }))
}
