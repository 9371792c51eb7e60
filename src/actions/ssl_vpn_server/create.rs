//! `CreateSslVpnServer` (SPEC section 11): a new SSL-VPN server, with its own CA, on a VPN
//! gateway that has SSL-VPN enabled, has no server yet and is `active`; starts the gateway's
//! busy window.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ssl-vpn/developer-reference/api-vpc-2016-04-28-createsslvpnserver-ssl-vpn>

use serde_json::json;

use super::Settings;
use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::material;
use crate::protocol::Reply;
use crate::state::doc::SslVpnServer;

pub const OPERATION: Operation = Operation {
    name: "CreateSslVpnServer",
    regional: true,
    required: &["VpnGatewayId", "ClientIpPool", "LocalSubnet"],
    ram: RamTarget::Resource("VpnGatewayId"),
    client_token: true,
    run,
};

/// A new server's settings where the call gives none (the API's, not the fixtures': `TCP`).
fn defaults(region: &str, account: &str, gateway_id: &str) -> SslVpnServer {
    SslVpnServer {
        ssl_vpn_server_id: String::new(),
        region_id: region.to_owned(),
        account_id: account.to_owned(),
        vpn_gateway_id: gateway_id.to_owned(),
        name: String::new(),
        resource_group_id: String::new(),
        proto: "TCP".into(),
        port: 1194,
        cipher: "AES-128-CBC".into(),
        client_ip_pool: String::new(),
        local_subnet: String::new(),
        compress: false,
        enable_multi_factor_auth: false,
        idaas_instance_id: String::new(),
        idaas_region_id: String::new(),
        idaas_application_id: String::new(),
        create_time: None,
        ca_cert: None,
        ca_key: None,
    }
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let gateway_id = call.params.required("VpnGatewayId")?;
    let settings = Settings::parse(call, true)?;
    let mut server = settings.apply(&defaults(call.region_id(), call.account_id(), gateway_id));
    call.idempotent(|world| {
        let gateway = world
            .gateway_in(call.account_id(), call.region_id(), gateway_id)
            .ok_or(ApiError::InvalidVpnGatewayInstanceIdNotFound)?;
        call.authorize_target()?;
        if gateway.ssl_vpn != "enable" {
            return Err(ApiError::VpnGatewaySslVpnDisabled);
        }
        if world.servers_of(gateway_id).next().is_some() {
            return Err(ApiError::ResourceQuotaFull);
        }
        if !world.gateway_active(gateway_id, call.now_ms) {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        server
            .resource_group_id
            .clone_from(&gateway.resource_group_id);
        let id = loop {
            let id = call.ids.resource_id("vss-");
            if world.server_by_id(&id).is_none() {
                break id;
            }
        };
        let ca = material::new_ca(&id).map_err(|e| {
            tracing::error!(error = %e, "cannot make the new server's CA");
            ApiError::InternalError
        })?;
        if server.name.is_empty() {
            server.name.clone_from(&id);
        }
        server.ssl_vpn_server_id.clone_from(&id);
        server.create_time = Some(call.now_ms);
        server.ca_cert = Some(ca.cert);
        server.ca_key = Some(ca.key);
        let name = server.name.clone();
        world.put_server(server);
        world.start_busy(gateway_id, call.now_ms, call.gateway_busy_ms);
        Ok(reply(json!({ "SslVpnServerId": id, "Name": name })))
    })
}
