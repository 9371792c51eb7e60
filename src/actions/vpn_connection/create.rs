//! `CreateVpnConnection` (SPEC 14): an IPsec connection, single tunnel, between a VPN gateway
//! with IPsec enabled and a customer gateway (one per pair, at most 10 per VPN gateway); needs
//! the gateway `active` and starts its busy window. A pre-shared key is made when none is given;
//! the IKE identities default to the two gateways' addresses.
//! API page: <https://www.alibabacloud.com/help/en/vpn/api-createvpnconnection>

use serde_json::json;

use super::Settings;
use crate::actions::customer_gateway::create::CREATE_TAG_KEY_MAX;
use crate::actions::tag::{merge_tags, parse_tags_named};
use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::ipsec;
use crate::protocol::Reply;
use crate::state::doc::{BgpConfig, HealthCheckConfig, IkeConfig, IpsecConfig, VpnConnection};

pub const OPERATION: Operation = Operation {
    name: "CreateVpnConnection",
    regional: true,
    // The API's metadata leaves `CustomerGatewayId` optional for the dual-tunnel form, which
    // takes it per tunnel; the single-tunnel form needs it (checked first in `run`).
    required: &["VpnGatewayId", "LocalSubnet", "RemoteSubnet"],
    ram: RamTarget::Resource("VpnGatewayId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let params = call.params;
    let customer_id = params.required("CustomerGatewayId")?;
    let gateway_id = params.required("VpnGatewayId")?;
    let settings = Settings::parse(call)?;
    let tags = merge_tags(&[], &parse_tags_named(params, "Tags", CREATE_TAG_KEY_MAX)?)?;
    call.idempotent(|world| {
        let (account, region) = (call.account_id(), call.region_id());
        let gateway = world
            .gateway_in(account, region, gateway_id)
            .ok_or(ApiError::InvalidVpnGatewayInstanceIdNotFound)?;
        let customer = world
            .customer_gateway(account, region, customer_id)
            .ok_or(ApiError::InvalidCustomerGatewayInstanceIdNotFound)?;
        call.authorize_target()?;
        if gateway.ipsec_vpn != "enable" {
            return Err(ApiError::VpnGatewayIpsecVpnDisabled);
        }
        let base = VpnConnection {
            vpn_connection_id: String::new(),
            region_id: region.to_owned(),
            account_id: account.to_owned(),
            vpn_gateway_id: gateway_id.to_owned(),
            customer_gateway_id: customer_id.to_owned(),
            name: None,
            local_subnet: String::new(),
            remote_subnet: String::new(),
            effect_immediately: false,
            enable_dpd: true,
            enable_nat_traversal: true,
            auto_config_route: true,
            ike_config: IkeConfig {
                local_id: gateway.internet_ip.clone(),
                remote_id: customer.ip_address.clone(),
                ..IkeConfig::default()
            },
            ipsec_config: IpsecConfig::default(),
            health_check_config: HealthCheckConfig::default(),
            bgp_config: BgpConfig::default(),
            remote_ca_certificate: String::new(),
            create_time: Some(call.now_ms),
            tags,
        };
        let mut connection = settings.apply(&base, world, gateway)?;
        let mut count = 0;
        for other in world.connections_of(gateway_id) {
            if other.customer_gateway_id == customer_id {
                return Err(ApiError::InvalidVpnConnectionAlreadyExists);
            }
            count += 1;
        }
        if count >= ipsec::CONNECTIONS_PER_GATEWAY {
            return Err(ApiError::ResourceQuotaFull);
        }
        if !world.gateway_active(gateway_id, call.now_ms) {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        let id = loop {
            let id = call.ids.resource_id("vco-");
            if world.connection_by_id(&id).is_none() {
                break id;
            }
        };
        connection.vpn_connection_id.clone_from(&id);
        let name = connection.name.get_or_insert_with(|| id.clone()).clone();
        if connection.ike_config.psk.is_none() {
            connection.ike_config.psk = Some(call.ids.resource_id("")[..16].to_owned());
        }
        world.put_connection(connection);
        world.start_busy(gateway_id, call.now_ms, call.gateway_busy_ms);
        Ok(reply(json!({
            "VpnConnectionId": id,
            "Name": name,
            "CreateTime": call.now_ms,
        })))
    })
}
