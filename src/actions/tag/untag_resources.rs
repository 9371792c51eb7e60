//! `UnTagResources` (SPEC section 12): removes the tags named by `TagKey.N`, or every tag with
//! `All=true`; with neither it changes nothing.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-untagresources>

use super::{Kind, resource_ids, set_tags, tag_keys, tags_of};
use crate::actions::parse_bool;
use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "UnTagResources",
    regional: true,
    required: &["ResourceType", "ResourceId.1"],
    ram: RamTarget::Each("ResourceId"),
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let kind = Kind::parse(call.params)?;
    let ids = resource_ids(call.params)?;
    let keys = tag_keys(call.params)?;
    let all = parse_bool(call.params, "All")?.unwrap_or(false);
    let mut world = call.write()?;
    let (account, region) = (call.account_id(), call.region_id());
    let mut kept = Vec::with_capacity(ids.len());
    for id in &ids {
        let existing = tags_of(&world, kind, account, region, id).ok_or(kind.not_found())?;
        call.authorize_each(id)?;
        let left: Vec<_> = existing
            .iter()
            .filter(|t| !all && !keys.contains(&t.key.as_str()))
            .cloned()
            .collect();
        kept.push((*id, left, existing.len()));
    }
    for (id, left, before) in kept {
        if left.len() != before {
            set_tags(&mut world, kind, id, left);
        }
    }
    call.commit(&mut world);
    Ok(Reply::new())
}
