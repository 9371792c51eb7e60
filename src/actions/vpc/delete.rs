//! `DeleteVpc` (SPEC section 12): refused while vSwitches (`DependencyViolation.VSwitch`, which
//! Terraform retries) or a VPN gateway (`DependencyViolation.Instance`) remain.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-deletevpc>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "DeleteVpc",
    regional: true,
    required: &["VpcId"],
    ram: RamTarget::Resource("VpcId"),
    client_token: true,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VpcId")?;
    call.idempotent(|world| {
        world
            .vpc(call.account_id(), call.region_id(), id)
            .ok_or(ApiError::InvalidVpcIdNotFound)?;
        call.authorize_target()?;
        if world.vswitches_of(id).next().is_some() {
            return Err(ApiError::DependencyViolationVSwitch);
        }
        if world.gateways_of_vpc(id).next().is_some() {
            return Err(ApiError::DependencyViolationInstance);
        }
        world.delete_vpc(id);
        Ok(Reply::new())
    })
}
