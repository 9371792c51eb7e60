//! `DeleteVSwitch` (SPEC section 12): refused while a VPN gateway uses it (`DependencyViolation`,
//! which Terraform retries).
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-deletevswitch>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DeleteVSwitch",
    regional: true,
    required: &["VSwitchId"],
    ram: RamTarget::Resource("VSwitchId"),
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VSwitchId")?;
    let mut world = call.write()?;
    world
        .vswitch(call.account_id(), call.region_id(), id)
        .ok_or(ApiError::InvalidVSwitchIdNotFound)?;
    call.authorize_target()?;
    if world.gateways_of_vswitch(id).next().is_some() {
        return Err(ApiError::DependencyViolation);
    }
    world.delete_vswitch(id);
    call.commit(&mut world);
    Ok(Reply::new())
}
