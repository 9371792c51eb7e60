//! `DescribeVpcAttribute` (SPEC section 12): one VPC, with every wrapper object.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-describevpcattribute>

use super::Shape;
use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DescribeVpcAttribute",
    regional: true,
    required: &["VpcId"],
    ram: RamTarget::Resource("VpcId"),
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VpcId")?;
    let world = call.read();
    let vpc = world
        .vpc(call.account_id(), call.region_id(), id)
        .ok_or(ApiError::InvalidVpcIdNotFound)?;
    call.authorize_target()?;
    Ok(super::fields(&world, vpc, Shape::Attribute))
}
