//! `ModifySslVpnClientCert` (SPEC 7.1): renames a certificate.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-modifysslvpnclientcert>

use serde_json::json;

use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::names::CertName;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "ModifySslVpnClientCert",
    regional: true,
    required: &["SslVpnClientCertId"],
    ram: RamTarget::Resource("SslVpnClientCertId"),
    client_token: true,
    run,
};

/// The parameters, checked.
struct Input<'a> {
    region: &'a str,
    id: &'a str,
    /// Absent: nothing changes. Present but empty or breaking the rule: `InvalidName`.
    name: Option<CertName>,
}

impl<'a> Input<'a> {
    fn parse(call: &'a Call) -> Result<Self, ApiError> {
        Ok(Input {
            region: call.region_id(),
            id: call.params.required("SslVpnClientCertId")?,
            name: call.name()?,
        })
    }
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let Input { region, id, name } = Input::parse(call)?;
    call.idempotent(|world| {
        let cert = world
            .cert(call.account_id(), region, id)
            .ok_or(ApiError::InvalidSslVpnClientCertIdNotFound)?;
        call.authorize_target()?;
        // The VPN gateway is not consulted: renaming works while it is `updating`.
        let name = match name {
            Some(name) => {
                let name = name.into_string();
                world.rename_cert(id, name.clone());
                name
            }
            None => cert.name.clone(),
        };
        Ok(reply(json!({ "Name": name, "SslVpnClientCertId": id })))
    })
}
