//! `DescribeVSwitchAttributes` (SPEC section 12): one vSwitch, its `RouteTable` object included.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-describevswitchattributes>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeVSwitchAttributes",
    regional: true,
    required: &["VSwitchId"],
    ram: RamTarget::Resource("VSwitchId"),
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VSwitchId")?;
    let world = call.read();
    let s = world
        .vswitch(call.account_id(), call.region_id(), id)
        .ok_or(ApiError::InvalidVSwitchIdNotFound)?;
    call.authorize_target()?;
    Ok(super::fields(&world, s))
}
