//! `ListTagResources` (SPEC section 12): the tags of the named resources (or of every resource
//! of the type), one entry per resource and tag, paged by `NextToken` (`""` on the last page).
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-listtagresources>

use serde_json::{Value, json};

use super::{Kind, TagFilter, resource_ids, tags_of};
use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;
use crate::state::doc::Tag;

pub const OPERATION: Operation = Operation {
    name: "ListTagResources",
    regional: true,
    required: &["ResourceType"],
    ram: RamTarget::Action,
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let kind = Kind::parse(call.params)?;
    let ids = resource_ids(call.params)?;
    let filter = TagFilter::parse(call.params)?;
    let max = match call.params.filter("MaxResults") {
        None => 50,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=50).contains(n) && v.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| ApiError::InvalidParameter("MaxResults".into()))?,
    };
    // The token is the offset of the next entry, as the previous page gave it.
    let start = match call.params.filter("NextToken") {
        None => 0,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|_| v.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| ApiError::InvalidParameter("NextToken".into()))?,
    };
    let world = call.read();
    let (account, region) = (call.account_id(), call.region_id());
    let render = |id: &str, t: &Tag| {
        json!({
            "ResourceId": id,
            "ResourceType": kind.name(),
            "TagKey": t.key,
            "TagValue": t.value,
        })
    };
    // The entries: each matching resource's tags, resources in list order; a page is `max`
    // entries from `start`, and `total` the number of entries in all.
    let (total, page): (u64, Vec<Value>) = if ids.is_empty() && filter.pairs().len() <= 1 {
        // All of the kind, or those with one tag key (and value): the tag index counts the
        // entries and finds the resource holding entry `start`.
        let found = world.tag_entries_from(
            kind.tagged(),
            account,
            region,
            filter.pairs().first().copied(),
            start as u64,
        );
        let within = usize::try_from(found.within).unwrap_or(usize::MAX);
        let page = found
            .resources
            .flat_map(|(id, tags)| tags.iter().map(move |t| (id, t)))
            .skip(within)
            .take(max)
            .map(|(id, t)| render(id, t))
            .collect();
        (found.total, page)
    } else {
        let mut resources: Vec<(&str, &[Tag])> = Vec::new();
        if ids.is_empty() {
            // Several tag filters: the resources with the rarest of them, each checked.
            let rarest = filter
                .pairs()
                .iter()
                .copied()
                .min_by_key(|pair| world.tagged_count(kind.tagged(), account, region, *pair));
            let found = world.tag_entries_from(kind.tagged(), account, region, rarest, 0);
            resources.extend(found.resources);
        } else {
            for id in ids {
                let tags = tags_of(&world, kind, account, region, id).ok_or(kind.not_found())?;
                resources.push((id, tags));
            }
        }
        let matching = resources
            .into_iter()
            .filter(|(_, tags)| filter.matches(tags));
        let mut total = 0u64;
        let mut page = Vec::new();
        for (id, tags) in matching {
            for t in tags {
                if total >= start as u64 && page.len() < max {
                    page.push(render(id, t));
                }
                total += 1;
            }
        }
        (total, page)
    };
    let next = if (start.saturating_add(max) as u64) < total {
        (start + max).to_string()
    } else {
        String::new()
    };
    Ok(reply(json!({
        "NextToken": next,
        "TagResources": { "TagResource": page },
    })))
}
