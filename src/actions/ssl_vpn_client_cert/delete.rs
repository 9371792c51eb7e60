//! `DeleteSslVpnClientCert` (SPEC 7.5): removes a certificate; refused while its server's VPN
//! gateway is `updating`.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ssl-vpn/developer-reference/api-vpc-2016-04-28-deletesslvpnclientcert-ssl-vpn>

use super::CertRef;
use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DeleteSslVpnClientCert",
    regional: true,
    required: &["SslVpnClientCertId"],
    ram: RamTarget::Resource("SslVpnClientCertId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let CertRef { region, id } = CertRef::parse(call)?;
    call.idempotent(|world| {
        let cert = world
            .cert(call.account_id(), region, id)
            .ok_or(ApiError::InvalidSslVpnClientCertIdNotFound)?;
        call.authorize_target()?;
        let server = world.server_by_id(&cert.server_id);
        if server.is_some_and(|server| world.gateway_updating(server, call.now_ms)) {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        let gateway_id = server.map(|s| s.vpn_gateway_id.clone());
        world.remove_cert(id);
        if let Some(gateway_id) = gateway_id {
            world.start_busy(&gateway_id, call.now_ms, call.gateway_busy_ms);
        }
        Ok(Reply::new())
    })
}
