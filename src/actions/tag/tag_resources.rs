//! `TagResources` (SPEC section 12): sets tags on VPCs, vSwitches or VPN gateways; an existing
//! key takes the new value, so the same call twice is one effect.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-tagresources>

use super::{Kind, merge_tags, parse_tags, resource_ids, set_tags, tags_of};
use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "TagResources",
    regional: true,
    required: &["ResourceType", "ResourceId.1", "Tag.1.Key"],
    ram: RamTarget::Each("ResourceId"),
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let kind = Kind::parse(call.params)?;
    let ids = resource_ids(call.params)?;
    let tags = parse_tags(call.params)?;
    let mut world = call.write()?;
    let (account, region) = (call.account_id(), call.region_id());
    // SPEC 3.3: every resource exists and the caller may tag each, then the 20-tag limit is
    // checked for each, all before anything changes.
    for id in &ids {
        tags_of(&world, kind, account, region, id).ok_or(kind.not_found())?;
        call.authorize_each(id)?;
    }
    let mut merged = Vec::with_capacity(ids.len());
    for id in &ids {
        let existing = tags_of(&world, kind, account, region, id).unwrap_or_default();
        merged.push((*id, merge_tags(existing, &tags)?));
    }
    for (id, tags) in merged {
        if tags_of(&world, kind, account, region, id) != Some(tags.as_slice()) {
            set_tags(&mut world, kind, id, tags);
        }
    }
    call.commit(&mut world);
    Ok(Reply::new())
}
