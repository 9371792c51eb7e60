//! The two ECS actions (product `Ecs`, version `2014-05-26`) that Terraform's
//! `data "alicloud_zones"` calls before it picks a vSwitch zone (SPEC 14): `DescribeZones` and
//! `DescribeAvailableResource`, both read from the state's regions and zones. Any other ECS
//! action is not emulated (`501 NotImplemented`).
//!
//! Every zone offers the same fixed catalogue below: the provider skips a zone whose instance
//! types or disk categories are empty, and an emulator has no stock to run out of.

pub mod describe_available_resource;
pub mod describe_zones;

use crate::state::doc::Region;

/// What every zone can create (`AvailableResourceCreation.ResourceTypes`).
pub const RESOURCE_TYPES: &[&str] = &["VSwitch", "IoOptimized", "Instance", "Disk"];
/// Instance types offered in every zone.
pub const INSTANCE_TYPES: &[&str] = &[
    "ecs.c6.large",
    "ecs.c6.xlarge",
    "ecs.g6.large",
    "ecs.g6.xlarge",
    "ecs.r6.large",
    "ecs.t6-c1m1.large",
];
/// Disk categories offered in every zone, for system and data disks.
pub const DISK_CATEGORIES: &[&str] = &["cloud_efficiency", "cloud_ssd", "cloud_essd"];

/// A zone's display name: the region's name in the asked language, then the zone's letter
/// (`cn-shanghai-e` → `华东2（上海） 可用区 E`, `China (Shanghai) Zone E`).
pub fn zone_local_name(region: &Region, zone_id: &str, english: bool) -> String {
    let suffix = zone_id
        .strip_prefix(region.region_id.as_str())
        .and_then(|s| s.strip_prefix('-'))
        .unwrap_or(zone_id)
        .to_ascii_uppercase();
    if english {
        format!("{} Zone {suffix}", region.local_names.en_us)
    } else {
        format!("{} 可用区 {suffix}", region.local_names.zh_cn)
    }
}
