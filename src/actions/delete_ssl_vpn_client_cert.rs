//! `DeleteSslVpnClientCert` (SPEC 7.5): removes a certificate; refused while its server's VPN
//! gateway is `updating`.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ssl-vpn/developer-reference/api-vpc-2016-04-28-deletesslvpnclientcert-ssl-vpn>

use super::Call;
use crate::error::ApiError;
use crate::protocol::Reply;
use crate::ram;

pub fn handle(call: &Call) -> Result<Reply, ApiError> {
    let region = call.region_id();
    let id = call.params.required("SslVpnClientCertId")?;

    call.idempotent(|world| {
        let cert = world
            .cert(call.account_id(), region, id)
            .ok_or(ApiError::InvalidSslVpnClientCertIdNotFound)?;
        ram::authorize_resource(call.principal, call.action.name(), id)?;
        let updating = world
            .server_by_id(&cert.server_id)
            .is_some_and(|server| world.gateway_updating(server));
        if updating {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        world.remove_cert(id);
        Ok(Reply::new())
    })
}
