//! ECS `DescribeAvailableResource` (version 2014-05-26, SPEC 14): for each zone of `RegionId`
//! (or only `ZoneId`), `Available` with stock, and the resources of `DestinationResource`
//! (`Zone`, `IoOptimized`, `InstanceType`, `SystemDisk`, `DataDisk`, `Network`, `ddh`) from the
//! fixed catalogue of [`super`]. `InstanceType` narrows the instance types to that one (no zone
//! offers a type outside the catalogue, so the list is then empty); the other filters are
//! accepted and change nothing. A `ZoneId` the region lacks gives an empty list, as a zone
//! without stock would. Needs no permission.
//! API page: <https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeavailableresource>

use serde_json::{Value, json};

use super::{DISK_CATEGORIES, INSTANCE_TYPES};
use crate::actions::{Call, Operation, RamTarget, parse_word, reply};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeAvailableResource",
    regional: true,
    required: &["DestinationResource"],
    ram: RamTarget::None,
    client_token: false,
    run,
};

/// The documented values of `DestinationResource`.
const DESTINATIONS: &[&str] = &[
    "Zone",
    "IoOptimized",
    "InstanceType",
    "SystemDisk",
    "DataDisk",
    "Network",
    "ddh",
];

/// The resources of one zone for a destination: the answer's `Type` and its values.
fn resources<'a>(
    destination: &str,
    zone: &'a str,
    instance_type: Option<&'a str>,
) -> (&'static str, Vec<&'a str>) {
    match destination {
        "Zone" => ("Zone", vec![zone]),
        "IoOptimized" => ("IoOptimized", vec!["optimized"]),
        "InstanceType" => (
            "InstanceType",
            INSTANCE_TYPES
                .iter()
                .copied()
                .filter(|t| instance_type.is_none_or(|wanted| wanted == *t))
                .collect(),
        ),
        "SystemDisk" => ("SystemDisk", DISK_CATEGORIES.to_vec()),
        "DataDisk" => ("DataDisk", DISK_CATEGORIES.to_vec()),
        "Network" => ("Network", vec!["vpc"]),
        _ => ("DedicatedHost", vec!["ddh.g6"]),
    }
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let destination =
        parse_word(call.params, "DestinationResource", DESTINATIONS)?.unwrap_or("Zone");
    let only_zone = call.params.filter("ZoneId");
    let instance_type = call.params.filter("InstanceType");
    let world = call.read();
    let region = world
        .regions()
        .iter()
        .find(|r| r.region_id == call.region_id())
        .ok_or(ApiError::InvalidRegionIdNotFound)?;
    let zones: Vec<Value> = region
        .zones
        .iter()
        .filter(|zone| only_zone.is_none_or(|wanted| wanted == zone.as_str()))
        .map(|zone| {
            let (kind, values) = resources(destination, zone, instance_type);
            let supported: Vec<Value> = values
                .iter()
                .map(|value| {
                    json!({ "Value": value, "Status": "Available", "StatusCategory": "WithStock" })
                })
                .collect();
            json!({
                "ZoneId": zone,
                "RegionId": region.region_id,
                "Status": "Available",
                "StatusCategory": "WithStock",
                "AvailableResources": { "AvailableResource": [{
                    "Type": kind,
                    "SupportedResources": { "SupportedResource": supported },
                }] },
            })
        })
        .collect();
    Ok(reply(
        json!({ "AvailableZones": { "AvailableZone": zones } }),
    ))
}
