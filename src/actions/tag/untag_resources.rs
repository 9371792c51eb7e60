//! `UnTagResources` (SPEC section 12): removes the tags named by `TagKey.N`, or every tag with
//! `All=true`; with neither it changes nothing.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-untagresources>

use super::{Kind, MAX_TAGS, resource_ids, set_tags, tags_of};
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
    let keys: Vec<&str> = (1..=MAX_TAGS)
        .filter_map(|n| call.params.filter(&format!("TagKey.{n}")))
        .collect();
    if let Some(n) =
        (MAX_TAGS + 1..=MAX_TAGS + 30).find(|n| call.params.get(&format!("TagKey.{n}")).is_some())
    {
        return Err(ApiError::InvalidParameter(format!("TagKey.{n}")));
    }
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
