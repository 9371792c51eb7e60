//! `DescribeSslVpnClientCert` (SPEC 7.3): one certificate with its key material and OpenVPN
//! configuration; `Status` computed against the emulator clock.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ssl-vpn/developer-reference/api-vpc-2016-04-28-describesslvpnclientcert-ssl-vpn>

use serde_json::json;

use super::CertRef;
use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::material::{self, Pem};
use crate::protocol::Reply;
use crate::state::{World, cert_status};

pub const OPERATION: Operation = Operation {
    name: "DescribeSslVpnClientCert",
    regional: true,
    required: &["SslVpnClientCertId"],
    ram: RamTarget::Resource("SslVpnClientCertId"),
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let CertRef { region, id } = CertRef::parse(call)?;
    let inputs = {
        let world = call.read();
        world
            .cert(call.account_id(), region, id)
            .ok_or(ApiError::InvalidSslVpnClientCertIdNotFound)?;
        call.authorize_target()?;
        match world.material_inputs(id).map_err(|e| internal(id, &e))? {
            None => return describe(call, &world, id),
            Some(inputs) => inputs,
        }
    };
    // First read of a certificate without material: the key is made outside the world's lock
    // (it takes a while), then stored once under the write lock.
    let (ca, create_time, end_time) = inputs;
    let pem =
        material::new_client_cert(&ca, id, create_time, end_time).map_err(|e| internal(id, &e))?;
    let mut world = call.write()?;
    world.set_material(id, pem);
    call.commit(&mut world);
    describe(call, &world, id)
}

fn internal(id: &str, error: &dyn std::fmt::Display) -> ApiError {
    tracing::error!(cert = id, error = %error, "cannot make certificate material");
    ApiError::InternalError
}

fn describe(call: &Call, world: &World, id: &str) -> Result<Reply, ApiError> {
    let cert = world
        .cert(call.account_id(), call.region_id(), id)
        .ok_or(ApiError::InvalidSslVpnClientCertIdNotFound)?;
    let server = world
        .server_by_id(&cert.server_id)
        .ok_or_else(|| internal(id, &"its SSL-VPN server is gone"))?;
    let gateway_ip = world
        .gateway(&server.vpn_gateway_id)
        .map_or("127.0.0.1", |g| g.internet_ip.as_str());
    let (Some(ca_cert), Some(client_cert), Some(client_key)) =
        (&server.ca_cert, &cert.client_cert, &cert.client_key)
    else {
        return Err(internal(id, &"its material is incomplete"));
    };
    let client = Pem {
        cert: client_cert.clone(),
        key: client_key.clone(),
    };
    let endpoint = material::Endpoint {
        proto: &server.proto,
        port: server.port,
        cipher: &server.cipher,
        gateway_ip,
    };
    let config = material::client_config(endpoint, ca_cert, &client);
    Ok(reply(json!({
        "RegionId": cert.region_id,
        "SslVpnClientCertId": cert.id,
        "SslVpnServerId": cert.server_id,
        "Name": cert.name,
        "CaCert": ca_cert,
        "ClientCert": client.cert,
        "ClientKey": client.key,
        "ClientConfig": config,
        "CreateTime": cert.create_time,
        "EndTime": cert.end_time,
        "Status": cert_status(cert.end_time, call.now_ms),
        "ResourceGroupId": server.resource_group_id,
    })))
}
