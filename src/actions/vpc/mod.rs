//! Operations on VPCs (SPEC section 12), one file each, and what they share: the CIDR rule of
//! a VPC and its fields as the list and attribute answers carry them.

pub mod create;
pub mod delete;
pub mod describe;
pub mod list;
pub mod modify;

use serde_json::{Map, Value, json};

use crate::actions::tag::tags_value;
use crate::cidr::Cidr;
use crate::error::ApiError;
use crate::names::checked_text;
use crate::protocol::Params;
use crate::state::doc::Vpc;
use crate::state::{World, iso_time};

/// A VPC's `CidrBlock` ([`crate::rules::vpc_block`]), else `InvalidCidrBlock.Malformed`.
pub fn vpc_cidr(text: &str) -> Result<Cidr, ApiError> {
    crate::rules::vpc_block(text).ok_or(ApiError::InvalidCidrBlockMalformed)
}

/// `VpcName` and `Description`, if given: 1-128 characters without a URL
/// prefix, and 1-256 characters (SPEC 12 names no URL rule for descriptions).
pub(super) fn name_and_description(
    params: &Params,
) -> Result<(Option<String>, Option<String>), ApiError> {
    let name = params
        .get("VpcName")
        .map(|v| checked_text(v, 128, true, ApiError::InvalidVpcNameMalformed))
        .transpose()?;
    let description = params
        .get("Description")
        .map(|v| checked_text(v, 256, false, ApiError::InvalidVpcDiscriptionMalformed))
        .transpose()?;
    Ok((name, description))
}

/// An account ID as the API's `OwnerId` (a number; 0 if the fixtures' ID is not one).
pub fn owner_id(account_id: &str) -> Value {
    json!(account_id.parse::<u64>().unwrap_or(0))
}

/// Which answer a VPC's fields are for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// A DescribeVpcs item.
    List,
    /// DescribeVpcAttribute.
    Attribute,
}

/// A VPC with every wrapper object, even when empty (Terraform's data source reads them
/// unchecked).
pub(super) fn fields(world: &World, v: &Vpc, shape: Shape) -> Map<String, Value> {
    let vswitches: Vec<&str> = world
        .vswitches_of(&v.vpc_id)
        .map(|s| s.vswitch_id.as_str())
        .collect();
    let mut out = Map::new();
    let mut put = |k: &str, value: Value| {
        out.insert(k.to_owned(), value);
    };
    put("VpcId", json!(v.vpc_id));
    put("RegionId", json!(v.region_id));
    put("Status", json!("Available"));
    put("VpcName", json!(v.vpc_name));
    put("CreationTime", json!(iso_time(v.created_ms)));
    put("CidrBlock", json!(v.cidr_block));
    put("Ipv6CidrBlock", json!(""));
    put("VRouterId", json!(v.vrouter_id));
    put("Description", json!(v.description));
    put("IsDefault", json!(false));
    if shape == Shape::Attribute {
        put("ClassicLinkEnabled", json!(false));
    }
    put("DhcpOptionsSetId", json!(""));
    put("DhcpOptionsSetStatus", json!(""));
    put("ResourceGroupId", json!(v.resource_group_id));
    put("OwnerId", owner_id(&v.account_id));
    put("EnabledIpv6", json!(false));
    put("DnsHostnameStatus", json!(v.dns_hostname_status));
    if shape == Shape::Attribute {
        put("SupportIpv4Gateway", json!(false));
        put("Ipv4GatewayId", json!(""));
    }
    put("VSwitchIds", json!({ "VSwitchId": vswitches }));
    put("UserCidrs", json!({ "UserCidr": v.user_cidrs }));
    put("SecondaryCidrBlocks", json!({ "SecondaryCidrBlock": [] }));
    if shape == Shape::List {
        put(
            "RouterTableIds",
            json!({ "RouterTableIds": [v.route_table_id] }),
        );
        put("NatGatewayIds", json!({ "NatGatewayIds": [] }));
    }
    put("Ipv6CidrBlocks", json!({ "Ipv6CidrBlock": [] }));
    if shape == Shape::Attribute {
        put("AssociatedCens", json!({ "AssociatedCen": [] }));
        put("CloudResources", json!({ "CloudResourceSetType": [] }));
    }
    put("Tags", tags_value(&v.tags));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vpc_blocks_are_private_networks_with_masks_8_to_28() {
        for ok in [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "172.31.240.0/28",
            "10.1.0.0/16",
        ] {
            assert!(vpc_cidr(ok).is_ok(), "{ok}");
        }
        for bad in [
            "11.0.0.0/8",
            "172.16.0.0/11",
            "192.168.0.0/29",
            "10.0.0.1/16",
            "0.0.0.0/0",
            "100.64.0.0/10",
        ] {
            assert_eq!(
                vpc_cidr(bad),
                Err(ApiError::InvalidCidrBlockMalformed),
                "{bad}"
            );
        }
    }
}
