//! Operations on vSwitches (SPEC section 12), one file each, and the fields they answer.

pub mod create;
pub mod delete;
pub mod describe;
pub mod list;
pub mod modify;

use serde_json::{Map, Value, json};

use crate::actions::tag::tags_value;
use crate::actions::vpc::owner_id;
use crate::cidr::Cidr;
use crate::error::ApiError;
use crate::names::checked_text;
use crate::protocol::Params;
use crate::state::doc::VSwitch;
use crate::state::{World, iso_time};

/// `VSwitchName` and `Description`, if given: 1-128 characters without a URL
/// prefix, and 1-256 characters (SPEC 12 names no URL rule for descriptions).
pub(super) fn name_and_description(
    params: &Params,
) -> Result<(Option<String>, Option<String>), ApiError> {
    let name = params
        .get("VSwitchName")
        .map(|v| checked_text(v, 128, true, ApiError::InvalidVSwitchNameMalformed))
        .transpose()?;
    let description = params
        .get("Description")
        .map(|v| checked_text(v, 256, false, ApiError::InvalidVSwitchDiscriptionMalformed))
        .transpose()?;
    Ok((name, description))
}

/// A vSwitch as DescribeVSwitches lists it (and DescribeVSwitchAttributes answers it), with its
/// VPC's system route table and resource group.
pub(super) fn fields(world: &World, s: &VSwitch) -> Map<String, Value> {
    let vpc = world.vpc_by_id(&s.vpc_id);
    let available = Cidr::parse(&s.cidr_block).map_or(0, |c| {
        (1u64 << (32 - u32::from(c.prefix))).saturating_sub(4)
    });
    let value = json!({
        "VSwitchId": s.vswitch_id,
        "VpcId": s.vpc_id,
        "Status": "Available",
        "CidrBlock": s.cidr_block,
        "Ipv6CidrBlock": "",
        "ZoneId": s.zone_id,
        "AvailableIpAddressCount": available,
        "Description": s.description,
        "VSwitchName": s.vswitch_name,
        "CreationTime": iso_time(s.created_ms),
        "IsDefault": false,
        "ResourceGroupId": vpc.map_or("", |v| v.resource_group_id.as_str()),
        "NetworkAclId": "",
        "OwnerId": owner_id(&s.account_id),
        "ShareType": "",
        "EnabledIpv6": false,
        "RouteTable": {
            "RouteTableId": vpc.map_or("", |v| v.route_table_id.as_str()),
            "RouteTableType": "System",
        },
        "Tags": tags_value(&s.tags),
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
