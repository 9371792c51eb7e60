//! `ModifyVSwitchAttribute` (SPEC section 12): a vSwitch's name and description.
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-modifyvswitchattribute>

use crate::actions::{Call, Operation, RamTarget};
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "ModifyVSwitchAttribute",
    regional: true,
    required: &["VSwitchId"],
    ram: RamTarget::Resource("VSwitchId"),
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VSwitchId")?;
    let (name, description) = super::name_and_description(call.params)?;
    let mut world = call.write()?;
    let old = world
        .vswitch(call.account_id(), call.region_id(), id)
        .ok_or(ApiError::InvalidVSwitchIdNotFound)?;
    call.authorize_target()?;
    let mut new = old.clone();
    if let Some(name) = name {
        new.vswitch_name = name;
    }
    if let Some(description) = description {
        new.description = description;
    }
    if new != *old {
        world.put_vswitch(new);
    }
    call.commit(&mut world);
    Ok(Reply::new())
}
