//! `ModifyVpcAttribute` (SPEC section 12): a VPC's name, description, DNS hostname setting, or
//! block (which must still hold every vSwitch of the VPC).
//! API page: <https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-modifyvpcattribute>

use crate::actions::{Call, Operation, RamTarget};
use crate::cidr::Cidr;
use crate::error::ApiError;
use crate::protocol::Reply;

pub const OPERATION: Operation = Operation {
    name: "ModifyVpcAttribute",
    regional: true,
    required: &["VpcId"],
    ram: RamTarget::Resource("VpcId"),
    client_token: false,
    run,
};

fn run(call: &Call) -> Result<Reply, ApiError> {
    let id = call.params.required("VpcId")?;
    let (name, description) = super::name_and_description(call.params)?;
    let cidr = call.params.filter("CidrBlock");
    let block = cidr.map(super::vpc_cidr).transpose()?;
    let dns = super::create::dns_hostname(call)?;
    let mut world = call.write()?;
    let old = world
        .vpc(call.account_id(), call.region_id(), id)
        .ok_or(ApiError::InvalidVpcIdNotFound)?;
    call.authorize_target()?;
    if let Some(block) = block
        && world
            .vswitches_of(id)
            .filter_map(|s| Cidr::parse(&s.cidr_block))
            .any(|s| !block.contains(s))
    {
        return Err(ApiError::InvalidCidrBlockMalformed);
    }
    let mut new = old.clone();
    if let Some(name) = name {
        new.vpc_name = name;
    }
    if let Some(description) = description {
        new.description = description;
    }
    if let Some(cidr) = cidr {
        cidr.clone_into(&mut new.cidr_block);
    }
    if let Some(dns) = dns {
        dns.clone_into(&mut new.dns_hostname_status);
    }
    if new != *old {
        world.put_vpc(new);
    }
    call.commit(&mut world);
    Ok(Reply::new())
}
