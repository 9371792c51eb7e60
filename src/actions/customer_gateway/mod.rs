//! Operations on customer gateways (SPEC 14, `reference/api-reference-ipsec.md` section 2), one
//! file each, and what they share: the checked values of a Create or Modify and the gateway's
//! fields. None of them touches a VPN gateway: no busy window, no `VpnGateway.Configuring`.

pub mod create;
pub mod delete;
pub mod describe;
pub mod list;
pub mod modify;

use serde_json::{Value, json};

use crate::actions::Call;
use crate::actions::tag::tags_value;
use crate::error::ApiError;
use crate::ipsec;
use crate::names::checked_text;
use crate::protocol::Reply;
use crate::state::doc::CustomerGateway;

/// `Description`, if given: 1-100 characters, not starting with `http://` or `https://`
/// (`InvalidDescription`).
pub(super) fn description(call: &Call) -> Result<Option<String>, ApiError> {
    call.params
        .get("Description")
        .map(|d| checked_text(d, 100, true, ApiError::InvalidDescription))
        .transpose()
}

/// `AuthKey`, if given and not empty: 1-64 printable ASCII characters, no space, no `?`
/// (`InvalidParameter`).
pub(super) fn auth_key(call: &Call) -> Result<Option<String>, ApiError> {
    match call.params.filter("AuthKey") {
        None => Ok(None),
        Some(key) if ipsec::auth_key_ok(key) => Ok(Some(key.to_owned())),
        Some(_) => Err(ApiError::InvalidParameter("AuthKey".into())),
    }
}

/// A customer gateway as DescribeCustomerGateway answers it (and each list item): `Asn` only
/// when one was given.
pub(super) fn fields(c: &CustomerGateway) -> Reply {
    let mut out = Reply::new();
    out.insert("CustomerGatewayId".into(), json!(c.customer_gateway_id));
    out.insert("Name".into(), json!(name(c)));
    out.insert("Description".into(), json!(c.description));
    out.insert("IpAddress".into(), json!(c.ip_address));
    if let Some(asn) = c.asn {
        out.insert("Asn".into(), json!(asn));
    }
    out.insert("AuthKey".into(), json!(c.auth_key));
    out.insert("CreateTime".into(), json!(c.create_time.unwrap_or(0)));
    out.insert("ResourceGroupId".into(), json!(c.resource_group_id));
    out.insert("Tags".into(), tags_value(&c.tags));
    out
}

/// Its name (the ID when none was given).
pub(super) fn name(c: &CustomerGateway) -> &str {
    c.name.as_deref().unwrap_or(&c.customer_gateway_id)
}

/// The fields of CreateCustomerGateway's and ModifyCustomerGatewayAttribute's answers, in that
/// order; Modify adds `ResourceGroupId`.
pub(super) fn short_fields(c: &CustomerGateway, with_group: bool) -> Reply {
    let mut out = Reply::new();
    out.insert("CustomerGatewayId".into(), json!(c.customer_gateway_id));
    out.insert("IpAddress".into(), json!(c.ip_address));
    out.insert("Name".into(), json!(name(c)));
    out.insert("Description".into(), json!(c.description));
    out.insert("CreateTime".into(), json!(c.create_time.unwrap_or(0)));
    if with_group {
        out.insert(
            "ResourceGroupId".into(),
            Value::from(c.resource_group_id.clone()),
        );
    }
    out
}
