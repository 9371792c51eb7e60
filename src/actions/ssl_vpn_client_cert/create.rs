//! `CreateSslVpnClientCert` (SPEC 7.2): a new certificate on an SSL-VPN server.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ssl-vpn/developer-reference/api-vpc-2016-04-28-createsslvpnclientcert-ssl-vpn>
//!
//! Its key and certificate are made on its first `DescribeSslVpnClientCert`, not here, so that
//! creating (and loading) many certificates stays fast.

use serde_json::json;

use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::names::CertName;
use crate::protocol::Reply;
use crate::state::{CERT_VALIDITY_MS, Cert};

/// At most this many certificates per SSL-VPN server (not adjustable on the real service).
pub const CERTS_PER_SERVER: usize = 50;

pub const OPERATION: Operation = Operation {
    name: "CreateSslVpnClientCert",
    regional: true,
    required: &["SslVpnServerId"],
    ram: RamTarget::Resource("SslVpnServerId"),
    client_token: true,
    run,
};

/// The parameters, checked.
struct Input<'a> {
    region: &'a str,
    server_id: &'a str,
    /// Absent: the new certificate's ID.
    name: Option<CertName>,
}

impl<'a> Input<'a> {
    fn parse(call: &'a Call) -> Result<Self, ApiError> {
        Ok(Input {
            region: call.region_id(),
            server_id: call.params.required("SslVpnServerId")?,
            name: call.name()?,
        })
    }
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let Input {
        region,
        server_id,
        name,
    } = Input::parse(call)?;
    call.idempotent(|world| {
        let server = world
            .server(call.account_id(), region, server_id)
            .ok_or(ApiError::InvalidSslVpnServerIdNotFound)?;
        call.authorize_target()?;
        if world.gateway_updating(server, call.now_ms) {
            return Err(ApiError::VpnGatewayConfiguring);
        }
        let gateway_id = server.vpn_gateway_id.clone();
        if world.certs_of_server(server_id) >= CERTS_PER_SERVER {
            return Err(ApiError::CreateSslCertsQuotaFull);
        }
        let id = loop {
            let id = call.ids.resource_id("vsc-");
            if !world.cert_exists(&id) {
                break id;
            }
        };
        let name = name.map_or_else(|| id.clone(), CertName::into_string);
        world.insert_cert(Cert {
            id: id.clone(),
            region_id: region.to_owned(),
            account_id: call.account_id().to_owned(),
            server_id: server_id.to_owned(),
            name: name.clone(),
            create_time: call.now_ms,
            end_time: call.now_ms + CERT_VALIDITY_MS,
            client_cert: None,
            client_key: None,
        });
        world.start_busy(&gateway_id, call.now_ms, call.gateway_busy_ms);
        Ok(reply(json!({ "Name": name, "SslVpnClientCertId": id })))
    })
}
