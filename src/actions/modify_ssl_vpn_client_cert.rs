//! `ModifySslVpnClientCert` (SPEC 7.1): renames a certificate.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-modifysslvpnclientcert>

use serde_json::json;

use super::{Call, reply};
use crate::error::ApiError;
use crate::names::CertName;
use crate::protocol::Reply;
use crate::ram;

pub fn handle(call: &Call) -> Result<Reply, ApiError> {
    let region = call.region_id();
    let id = call.params.required("SslVpnClientCertId")?;
    // Absent: nothing changes. Present but empty or breaking the rule: InvalidName.
    let new_name = call
        .params
        .get("Name")
        .map(|name| CertName::parse(name, call.name_rule))
        .transpose()?;

    call.idempotent(|world| {
        let cert = world
            .cert(call.account_id(), region, id)
            .ok_or(ApiError::InvalidSslVpnClientCertIdNotFound)?;
        ram::authorize_resource(call.principal, call.action.name(), id)?;
        // The VPN gateway is not consulted: renaming works while it is `updating`.
        let name = match new_name {
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
