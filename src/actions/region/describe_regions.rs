//! `DescribeRegions` (SPEC 7.5): the regions of the state, in their order, with zh-CN names
//! unless `AcceptLanguage` is `en-US`. Needs no permission; `RegionId` is ignored.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-describeregions>

use serde_json::{Value, json};

use crate::actions::{Call, Operation, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeRegions",
    regional: false,
    required: &[],
    ram: RamTarget::None,
    client_token: false,
    run,
};

/// The parameters, checked: `AcceptLanguage` `en-US` (any case) asks for English names;
/// `ProductType` and `RegionId` are accepted and ignored.
struct Input {
    english: bool,
}

impl Input {
    fn parse(call: &Call) -> Self {
        Input {
            english: call
                .params
                .get("AcceptLanguage")
                .is_some_and(|l| l.eq_ignore_ascii_case("en-US")),
        }
    }
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let Input { english } = Input::parse(call);
    let regions: Vec<Value> = call
        .read()
        .regions()
        .iter()
        .map(|r| {
            let names = &r.local_names;
            json!({
                "RegionId": r.region_id,
                "LocalName": if english { &names.en_us } else { &names.zh_cn },
                "RegionEndpoint": r.region_endpoint,
            })
        })
        .collect();
    Ok(reply(json!({ "Regions": { "Region": regions } })))
}
