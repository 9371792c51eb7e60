//! `CreateVSwitch` (SPEC section 12): a vSwitch in a zone of the region, its block inside its
//! VPC's and apart from the VPC's other vSwitches; `Available` at once.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-createvswitch>

use serde_json::json;

use crate::actions::tag::parse_tags;
use crate::actions::{Call, Operation, RamTarget, reply};
use crate::cidr::Cidr;
use crate::error::ApiError;
use crate::protocol::Reply;
use crate::state::doc::VSwitch;
use crate::state::state_time;

pub const OPERATION: Operation = Operation {
    name: "CreateVSwitch",
    regional: true,
    required: &["VpcId", "ZoneId", "CidrBlock"],
    ram: RamTarget::Resource("VpcId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let vpc_id = call.params.required("VpcId")?;
    let zone = call.params.required("ZoneId")?;
    let text = call.params.required("CidrBlock")?;
    let block = crate::rules::vswitch_block(text).ok_or(ApiError::InvalidCidrBlockMalformed)?;
    let (name, description) = super::name_and_description(call.params)?;
    let tags = parse_tags(call.params)?;
    call.idempotent(|world| {
        let vpc = world
            .vpc(call.account_id(), call.region_id(), vpc_id)
            .ok_or(ApiError::InvalidVpcIdNotFound)?;
        if !world.zone_exists(call.region_id(), zone) {
            return Err(ApiError::InvalidZoneIdNotFound);
        }
        call.authorize_target()?;
        if !Cidr::parse(&vpc.cidr_block).is_some_and(|v| v.contains(block)) {
            return Err(ApiError::InvalidParameterCidrNotInVpc);
        }
        if world
            .vswitches_of(vpc_id)
            .filter_map(|s| Cidr::parse(&s.cidr_block))
            .any(|s| s.overlaps(block))
        {
            return Err(ApiError::InvalidCidrBlockOverlapped);
        }
        let id = loop {
            let id = call.ids.resource_id("vsw-");
            if world.vswitch_by_id(&id).is_none() {
                break id;
            }
        };
        world.put_vswitch(VSwitch {
            vswitch_id: id.clone(),
            vpc_id: vpc_id.to_owned(),
            zone_id: zone.to_owned(),
            cidr_block: text.to_owned(),
            vswitch_name: name.unwrap_or_default(),
            description: description.unwrap_or_default(),
            creation_time: state_time(call.now_ms),
            tags: tags.into_iter().map(|(_, t)| t).collect(),
            region_id: call.region_id().to_owned(),
            account_id: call.account_id().to_owned(),
            created_ms: call.now_ms,
        });
        Ok(reply(json!({ "VSwitchId": id })))
    })
}
