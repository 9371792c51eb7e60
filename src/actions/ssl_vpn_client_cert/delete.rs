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
