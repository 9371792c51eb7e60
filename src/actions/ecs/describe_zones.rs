//! ECS `DescribeZones` (version 2014-05-26, SPEC 14): the zones of `RegionId` from the state, in
//! their order, each offering the fixed catalogue of [`super`]. `AcceptLanguage` `en-US` asks
//! for English names; `InstanceChargeType`, `SpotStrategy` and `Verbose` are accepted and
//! change nothing. Needs no permission, like `DescribeRegions`.
//! API page: <https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describezones>

use serde_json::{Value, json};

use super::{DISK_CATEGORIES, INSTANCE_TYPES, RESOURCE_TYPES, zone_local_name};
use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeZones",
    regional: true,
    required: &[],
    ram: RamTarget::None,
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let english = call
        .params
        .get("AcceptLanguage")
        .is_some_and(|l| l.eq_ignore_ascii_case("en-US"));
    let world = call.read();
    let region = world
        .regions()
        .iter()
        .find(|r| r.region_id == call.region_id())
        .ok_or(ApiError::InvalidRegionIdNotFound)?;
    let zones: Vec<Value> = region
        .zones
        .iter()
        .map(|zone| {
            json!({
                "ZoneId": zone,
                "LocalName": zone_local_name(region, zone, english),
                "ZoneType": "AvailabilityZone",
                "AvailableResourceCreation": { "ResourceTypes": RESOURCE_TYPES },
                "AvailableInstanceTypes": { "InstanceTypes": INSTANCE_TYPES },
                "AvailableDiskCategories": { "DiskCategories": DISK_CATEGORIES },
                "AvailableVolumeCategories": { "VolumeCategories": DISK_CATEGORIES },
                "AvailableDedicatedHostTypes": { "DedicatedHostType": [] },
            })
        })
        .collect();
    Ok(reply(json!({ "Zones": { "Zone": zones } })))
}
