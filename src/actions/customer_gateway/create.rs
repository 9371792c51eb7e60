//! `CreateCustomerGateway` (SPEC 14): the on-premises end of IPsec connections, by its IPv4
//! address (unique in the account and region, at most 100 per region), with an optional BGP
//! ASN and key and tags (`Tags.N`).
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-createcustomergateway-vpn>

use crate::actions::tag::{merge_tags, parse_tags_named};
use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::ipsec;
use crate::names::CertName;
use crate::protocol::Reply;
use crate::state::doc::CustomerGateway;

pub const OPERATION: Operation = Operation {
    name: "CreateCustomerGateway",
    regional: true,
    required: &["IpAddress"],
    ram: RamTarget::Action,
    client_token: true,
    run,
};

/// Tag keys of the create actions of SPEC 14 have at most this many characters.
pub const CREATE_TAG_KEY_MAX: usize = 64;

fn run(call: &Call) -> Result<Reply, ApiError> {
    let params = call.params;
    let ip = params.required("IpAddress")?;
    if ipsec::ipv4(ip).is_none() {
        return Err(ApiError::InvalidIpAddressWrongFormat);
    }
    let name = call.name()?;
    let description = super::description(call)?;
    let asn = match params.filter("Asn") {
        None => None,
        Some(text) => {
            Some(ipsec::asn(text).ok_or_else(|| ApiError::InvalidParameter("Asn".into()))?)
        }
    };
    let auth_key = super::auth_key(call)?;
    let tags = merge_tags(&[], &parse_tags_named(params, "Tags", CREATE_TAG_KEY_MAX)?)?;
    let group = params.filter("ResourceGroupId").unwrap_or_default();
    call.idempotent(|world| {
        let (account, region) = (call.account_id(), call.region_id());
        let mut count = 0;
        for c in world.customer_gateways_in(account, region) {
            if c.ip_address == ip {
                return Err(ApiError::InvalidIpAddressAlreadyExist);
            }
            count += 1;
        }
        if count >= ipsec::CUSTOMER_GATEWAYS_PER_REGION {
            return Err(ApiError::ResourceQuotaFull);
        }
        let id = loop {
            let id = call.ids.resource_id("cgw-");
            if world.customer_gateway_by_id(&id).is_none() {
                break id;
            }
        };
        let gateway = CustomerGateway {
            customer_gateway_id: id.clone(),
            region_id: region.to_owned(),
            account_id: account.to_owned(),
            ip_address: ip.to_owned(),
            name: Some(name.map_or_else(|| id.clone(), CertName::into_string)),
            description: description.unwrap_or_default(),
            asn,
            auth_key: auth_key.unwrap_or_default(),
            resource_group_id: group.to_owned(),
            create_time: Some(call.now_ms),
            tags,
        };
        let answer = super::short_fields(&gateway, false);
        world.put_customer_gateway(gateway);
        Ok(answer)
    })
}
