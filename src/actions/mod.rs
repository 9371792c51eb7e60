//! The operations of the VPC API as values: each is an [`Operation`] (its name, whether it is
//! regional, its required parameters, its RAM target, whether it takes a ClientToken, and the
//! function that runs it) in one file of its resource's folder, listed once in [`OPERATIONS`].
//! The pipeline, the fault rules, the journal and the ClientToken scope read the registry.
//! What the operations share is here: the checks of SPEC 3.3 that follow authentication, in
//! their documented order ([`dispatch`]), and ClientToken handling (SPEC 7.6, [`Call::idempotent`]).
//!
//! Adding an operation: one file with its `OPERATION` and its `run`, one line in
//! [`OPERATIONS`], and, if it changes state, one [`crate::state::Change`] variant.

pub mod api_table;
pub mod customer_gateway;
pub mod ecs;
pub mod region;
pub mod route_table;
pub mod ssl_vpn_client_cert;
pub mod ssl_vpn_server;
pub mod tag;
pub mod vpc;
pub mod vpn_connection;
pub mod vpn_gateway;
pub mod vpn_route_entry;
pub mod vswitch;

use std::cell::Cell;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::Value;

use crate::auth::Principal;
use crate::config::NameRule;
use crate::error::ApiError;
use crate::idempotency::{self, TokenKey};
use crate::ids::Ids;
use crate::names::CertName;
use crate::persist::Persister;
use crate::protocol::{Params, Reply};
use crate::ram;
use crate::state::World;

/// Whose permission an operation needs (SPEC section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RamTarget {
    /// No permission at all (`DescribeRegions`).
    None,
    /// The action only (list actions).
    Action,
    /// The action, and the resource the named parameter identifies (checked once it exists).
    Resource(&'static str),
    /// The action, and each resource of the list `{param}.N`, in order ([`Call::authorize_each`]).
    Each(&'static str),
}

/// One operation of the API.
#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    /// Takes a `RegionId` (required, and a region of the state).
    pub regional: bool,
    /// Parameters besides `RegionId` that are required (`Missing{P}`).
    pub required: &'static [&'static str],
    pub ram: RamTarget,
    /// Honours a `ClientToken` (SPEC 7.6); elsewhere it is an unknown parameter.
    pub client_token: bool,
    /// Runs the operation once the shared checks have passed.
    pub run: fn(&Call) -> Result<Reply, ApiError>,
}

/// A product the emulator answers on its one port, told apart by `Version` (SPEC 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// VPC `2016-04-28`: everything in [`OPERATIONS`].
    Vpc,
    /// ECS `2014-05-26`: only the zone reads of [`ECS_OPERATIONS`].
    Ecs,
}

impl Product {
    /// The product a `Version` names, if any.
    pub fn of_version(version: &str) -> Option<Product> {
        match version {
            crate::protocol::API_VERSION => Some(Product::Vpc),
            ECS_VERSION => Some(Product::Ecs),
            _ => None,
        }
    }

    /// The name the journal and the API metadata use (`Vpc`, `Ecs`).
    pub fn name(self) -> &'static str {
        match self {
            Product::Vpc => "Vpc",
            Product::Ecs => "Ecs",
        }
    }

    /// The name and version as the not-emulated message says them (`VPC 2016-04-28`).
    pub fn label(self) -> &'static str {
        match self {
            Product::Vpc => "VPC 2016-04-28",
            Product::Ecs => "ECS 2014-05-26",
        }
    }

    /// The operations the emulator implements for this product.
    pub fn operations(self) -> &'static [&'static Operation] {
        match self {
            Product::Vpc => OPERATIONS,
            Product::Ecs => ECS_OPERATIONS,
        }
    }

    /// The implemented operation of this name.
    pub fn find(self, name: &str) -> Option<&'static Operation> {
        match self {
            Product::Vpc => find(name),
            Product::Ecs => ECS_OPERATIONS.iter().copied().find(|op| op.name == name),
        }
    }
}

/// The ECS API version whose zone reads are emulated.
pub const ECS_VERSION: &str = "2014-05-26";

/// The ECS operations: the two calls of Terraform's `data "alicloud_zones"`.
pub static ECS_OPERATIONS: &[&Operation] = &[
    &ecs::describe_available_resource::OPERATION,
    &ecs::describe_zones::OPERATION,
];

/// Every VPC operation the emulator implements; any other name is `InvalidAction.NotFound`.
pub static OPERATIONS: &[&Operation] = &[
    &region::describe_regions::OPERATION,
    &customer_gateway::create::OPERATION,
    &customer_gateway::delete::OPERATION,
    &customer_gateway::describe::OPERATION,
    &customer_gateway::list::OPERATION,
    &customer_gateway::modify::OPERATION,
    &ssl_vpn_client_cert::create::OPERATION,
    &ssl_vpn_client_cert::delete::OPERATION,
    &ssl_vpn_client_cert::describe::OPERATION,
    &ssl_vpn_client_cert::list::OPERATION,
    &ssl_vpn_client_cert::modify::OPERATION,
    &ssl_vpn_server::create::OPERATION,
    &ssl_vpn_server::delete::OPERATION,
    &ssl_vpn_server::list::OPERATION,
    &ssl_vpn_server::modify::OPERATION,
    &route_table::list::OPERATION,
    &tag::list_tag_resources::OPERATION,
    &tag::tag_resources::OPERATION,
    &tag::untag_resources::OPERATION,
    &vpc::create::OPERATION,
    &vpc::delete::OPERATION,
    &vpc::describe::OPERATION,
    &vpc::list::OPERATION,
    &vpc::modify::OPERATION,
    &vpn_connection::create::OPERATION,
    &vpn_connection::delete::OPERATION,
    &vpn_connection::describe::OPERATION,
    &vpn_connection::download_config::OPERATION,
    &vpn_connection::list::OPERATION,
    &vpn_connection::modify::OPERATION,
    &vpn_gateway::create::OPERATION,
    &vpn_gateway::delete::OPERATION,
    &vpn_gateway::describe::OPERATION,
    &vpn_gateway::list::OPERATION,
    &vpn_gateway::modify::OPERATION,
    &vpn_route_entry::create::OPERATION,
    &vpn_route_entry::delete::OPERATION,
    &vpn_route_entry::list::OPERATION,
    &vpn_route_entry::modify_weight::OPERATION,
    &vpn_route_entry::publish::OPERATION,
    &vswitch::create::OPERATION,
    &vswitch::delete::OPERATION,
    &vswitch::describe::OPERATION,
    &vswitch::list::OPERATION,
    &vswitch::modify::OPERATION,
];

/// Panics on purpose: proves a panic is answered `InternalError` and the server goes on.
#[cfg(test)]
static PANIC_FOR_TEST: Operation = Operation {
    name: "PanicForTest",
    regional: false,
    required: &[],
    ram: RamTarget::None,
    client_token: false,
    run: |_| panic!("PanicForTest was called"),
};

/// The operation of this name.
pub fn find(name: &str) -> Option<&'static Operation> {
    #[cfg(test)]
    if name == PANIC_FOR_TEST.name {
        return Some(&PANIC_FOR_TEST);
    }
    OPERATIONS.iter().copied().find(|op| op.name == name)
}

/// One authenticated API call on its way through an action.
pub struct Call<'a> {
    pub action: &'static Operation,
    pub principal: &'a Principal,
    pub params: &'a Params,
    pub world: &'a RwLock<World>,
    pub ids: &'a Ids,
    pub name_rule: NameRule,
    /// The emulator clock, epoch milliseconds.
    pub now_ms: i64,
    /// Real time, for token expiry.
    pub real_now_ms: i64,
    /// How long a gateway stays `updating` after a change (`--gateway-busy-ms`).
    pub gateway_busy_ms: u32,
    /// Present with `--state-file`.
    pub persister: Option<&'a Persister>,
    /// The persistence sequence number the answer must wait for (0: nothing to wait for): its
    /// own change, and every change it could have seen.
    pub committed: Cell<u64>,
}

impl Call<'_> {
    /// `RegionId`, checked present and known by [`dispatch`].
    pub fn region_id(&self) -> &str {
        self.params.get("RegionId").unwrap_or_default()
    }

    pub fn account_id(&self) -> &str {
        &self.principal.account_id
    }

    /// The world to read. The answer will wait until everything this lock shows is durable
    /// (SPEC section 9: no answer reports a change before it is on disk).
    pub fn read(&self) -> RwLockReadGuard<'_, World> {
        let world = self.world.read().unwrap_or_else(PoisonError::into_inner);
        self.observe();
        world
    }

    /// The world to change; refused (`InternalError`) once persistence cannot write any more.
    pub fn write(&self) -> Result<RwLockWriteGuard<'_, World>, ApiError> {
        let world = self.world.write().unwrap_or_else(PoisonError::into_inner);
        self.observe();
        if let Some(p) = self.persister {
            p.writable().map_err(|_| {
                tracing::error!(
                    action = self.action.name,
                    "refused: the state file cannot be written any more (see the error above); restart to go on"
                );
                ApiError::InternalError
            })?;
        }
        Ok(world)
    }

    /// Notes the newest change the locked world holds; call it with a world lock held.
    fn observe(&self) {
        if let Some(p) = self.persister {
            self.wait_for(p.world_seq());
        }
    }

    fn wait_for(&self, seq: u64) {
        self.committed.set(self.committed.get().max(seq));
    }

    /// Hands the changes made under this write lock to persistence as one record (or drops
    /// them without it).
    pub fn commit(&self, world: &mut World) {
        match self.persister {
            Some(p) => self.wait_for(p.enqueue(world)),
            None => {
                world.take_changes();
                world.stamp_windows(0);
            }
        }
    }

    /// Runs a change under ClientToken idempotency: a replay answers the remembered result, a
    /// mismatch is refused, and a successful change is remembered — all in one write section,
    /// so concurrent requests with one token have exactly one effect. Call it after the
    /// action's own parameter checks (SPEC 3.3 order).
    pub fn idempotent(
        &self,
        change: impl FnOnce(&mut World) -> Result<Reply, ApiError>,
    ) -> Result<Reply, ApiError> {
        let token = self
            .params
            .get("ClientToken")
            .filter(|_| self.action.client_token);
        if let Some(token) = token {
            idempotency::validate_token(token)?;
        }
        let mut world = self.write()?;
        let Some(token) = token else {
            let reply = change(&mut world)?;
            self.commit(&mut world);
            return Ok(reply);
        };
        let key = TokenKey {
            account_id: self.principal.account_id.clone(),
            action: self.action.name.to_owned(),
            token: token.to_owned(),
        };
        let fingerprint = idempotency::fingerprint(self.params);
        // A replay waits, like the first request, until that request's change is durable: the
        // write lock's world holds it, so `write` noted its sequence number.
        if let Some(remembered) =
            world
                .tokens
                .check(&key, &fingerprint, self.params, self.real_now_ms)?
        {
            return Ok(remembered);
        }
        let reply = change(&mut world)?;
        world.record_token(key, fingerprint, reply.clone(), self.real_now_ms);
        self.commit(&mut world);
        Ok(reply)
    }
}

impl Call<'_> {
    /// `Name`, if given, checked against the configured rule (SPEC 7.1, and SPEC 11 for servers
    /// and gateways): present but empty or breaking the rule is `InvalidName`.
    pub fn name(&self) -> Result<Option<CertName>, ApiError> {
        self.params
            .get("Name")
            .map(|name| CertName::parse(name, self.name_rule))
            .transpose()
    }
}

/// A boolean parameter: `true` or `false`, any case (SPEC 3.1); absent or empty is `None`,
/// anything else `InvalidParameter` for it.
pub fn parse_bool(params: &Params, name: &str) -> Result<Option<bool>, ApiError> {
    match params.filter(name) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(ApiError::InvalidParameter(name.to_owned())),
    }
}

/// An enumeration parameter, matched exactly (SPEC 3.1); absent or empty is `None`, a value
/// outside `allowed` `InvalidParameter` for it.
pub fn parse_word<'a>(
    params: &'a Params,
    name: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, ApiError> {
    match params.filter(name) {
        Some(v) if !allowed.contains(&v) => Err(ApiError::InvalidParameter(name.to_owned())),
        v => Ok(v),
    }
}

/// Turns a `json!` object into a [`Reply`].
pub fn reply(value: Value) -> Reply {
    match value {
        Value::Object(map) => map,
        _ => Reply::new(),
    }
}

/// Paging of the list operations (SPEC 7.4): `PageNumber` (default 1, >= 1) and `PageSize`
/// (default 10, 1..50); a value that is not ASCII digits, or out of range, is
/// `InvalidParameter` naming it.
pub struct Paging;

impl Paging {
    pub const MAX_PAGE_SIZE: u64 = 50;

    pub fn number(params: &Params) -> Result<u64, ApiError> {
        Self::parse(params, "PageNumber", 1, u64::MAX)
    }

    pub fn size(params: &Params) -> Result<u64, ApiError> {
        Self::parse(params, "PageSize", 10, Self::MAX_PAGE_SIZE)
    }

    /// How many items come before page `number` of `size`, and how many it holds at most: for
    /// paging an index ([`crate::state::World::vpcs_in_from`]) without walking those before.
    pub fn window(number: u64, size: u64) -> (usize, usize) {
        let skip = usize::try_from((number - 1).saturating_mul(size)).unwrap_or(usize::MAX);
        (skip, usize::try_from(size).unwrap_or(usize::MAX))
    }

    /// The items of page `number` of `size` (empty past the end).
    pub fn slice<T>(items: &[T], number: u64, size: u64) -> &[T] {
        let skip = usize::try_from((number - 1).saturating_mul(size)).unwrap_or(usize::MAX);
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let start = skip.min(items.len());
        &items[start..start.saturating_add(size).min(items.len())]
    }

    fn parse(params: &Params, name: &str, default: u64, max: u64) -> Result<u64, ApiError> {
        let Some(value) = params.get(name) else {
            return Ok(default);
        };
        let invalid = || ApiError::InvalidParameter(name.to_owned());
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let n: u64 = value.parse().map_err(|_| invalid())?;
        if n < 1 || n > max {
            return Err(invalid());
        }
        Ok(n)
    }
}

/// The first of the value checks (SPEC section 13): a value with a control character
/// (U+0000-U+001F but tab, and U+007F) is `InvalidParameter` for it. `ClientToken` has its own
/// rule (`InvalidClientToken.Malformed`), checked with the other values.
fn reject_control_characters(params: &Params) -> Result<(), ApiError> {
    // Every control character is one byte in UTF-8, and no byte of a longer character is
    // below 0x80: a scan of bytes, not of decoded characters, finds them all.
    // A fold rather than `any`: no early exit, so the compiler checks many bytes at once.
    let has_control = |value: &str| {
        value.bytes().fold(false, |seen, b| {
            seen | ((b < 0x20 && b != b'\t') || b == 0x7f)
        })
    };
    match params
        .iter()
        .find(|(name, value)| *name != "ClientToken" && has_control(value))
    {
        Some((name, _)) => Err(ApiError::InvalidParameter(name.to_owned())),
        None => Ok(()),
    }
}

/// Runs the checks that every operation shares — `RegionId` present and known, the declared
/// required parameters, the caller's permission for the action, values without control
/// characters — then the operation itself.
pub fn dispatch(call: &Call) -> Result<Reply, ApiError> {
    let op = call.action;
    if op.regional {
        let region = call.params.required("RegionId")?;
        if !call.read().region_exists(region) {
            return Err(ApiError::InvalidRegionIdNotFound);
        }
    }
    for name in op.required {
        call.params.required(name)?;
    }
    if op.ram != RamTarget::None {
        ram::authorize_action(call.principal, op.name)?;
    }
    reject_control_characters(call.params)?;
    (op.run)(call)
}

impl Call<'_> {
    /// The resource check of SPEC section 5 for the operation's [`RamTarget`]: call it once
    /// the target is known to exist in the caller's account and region.
    pub fn authorize_target(&self) -> Result<(), ApiError> {
        match self.action.ram {
            RamTarget::Resource(param) => ram::authorize_resource(
                self.principal,
                self.action.name,
                self.params.get(param).unwrap_or_default(),
            ),
            RamTarget::None | RamTarget::Action | RamTarget::Each(_) => Ok(()),
        }
    }

    /// The resource check of SPEC section 5 for one resource of a [`RamTarget::Each`] list.
    pub fn authorize_each(&self, resource_id: &str) -> Result<(), ApiError> {
        ram::authorize_resource(self.principal, self.action.name, resource_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_slices_and_empty_past_the_end() {
        let items = [1, 2, 3, 4, 5];
        assert_eq!(Paging::slice(&items, 1, 2), [1, 2]);
        assert_eq!(Paging::slice(&items, 3, 2), [5]);
        assert!(Paging::slice(&items, 4, 2).is_empty());
        assert!(Paging::slice(&items, u64::MAX, 50).is_empty());
    }

    #[test]
    fn the_registry_names_each_operation_once() {
        let mut names: Vec<&str> = OPERATIONS.iter().map(|op| op.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPERATIONS.len());
        assert!(find("ModifySslVpnClientCert").is_some_and(|op| op.client_token));
        assert!(find("DescribeRegions").is_some_and(|op| !op.regional));
        assert!(find("modifysslvpnclientcert").is_none());
    }
}
