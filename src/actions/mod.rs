//! The actions of the VPC API, one module each, and what they share: the checks of SPEC 3.3 that
//! follow authentication, in their documented order, and ClientToken handling (SPEC 7.6).

pub mod create_ssl_vpn_client_cert;
pub mod delete_ssl_vpn_client_cert;
pub mod describe_regions;
pub mod describe_ssl_vpn_client_cert;
pub mod describe_ssl_vpn_client_certs;
pub mod modify_ssl_vpn_client_cert;

use std::cell::Cell;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::Value;

use crate::auth::Principal;
use crate::config::NameRule;
use crate::error::ApiError;
use crate::idempotency::{self, TokenKey};
use crate::ids::Ids;
use crate::persist::Persister;
use crate::protocol::{Params, Reply};
use crate::ram;
use crate::state::World;

/// The actions the emulator implements; any other name is `InvalidAction.NotFound`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CreateSslVpnClientCert,
    DeleteSslVpnClientCert,
    DescribeRegions,
    DescribeSslVpnClientCert,
    DescribeSslVpnClientCerts,
    ModifySslVpnClientCert,
    /// Panics on purpose: proves a panic is answered `InternalError` and the server goes on.
    #[cfg(test)]
    PanicForTest,
}

impl Action {
    pub fn parse(name: &str) -> Option<Action> {
        Some(match name {
            "CreateSslVpnClientCert" => Action::CreateSslVpnClientCert,
            "DeleteSslVpnClientCert" => Action::DeleteSslVpnClientCert,
            "DescribeRegions" => Action::DescribeRegions,
            "DescribeSslVpnClientCert" => Action::DescribeSslVpnClientCert,
            "DescribeSslVpnClientCerts" => Action::DescribeSslVpnClientCerts,
            "ModifySslVpnClientCert" => Action::ModifySslVpnClientCert,
            #[cfg(test)]
            "PanicForTest" => Action::PanicForTest,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Action::CreateSslVpnClientCert => "CreateSslVpnClientCert",
            Action::DeleteSslVpnClientCert => "DeleteSslVpnClientCert",
            Action::DescribeRegions => "DescribeRegions",
            Action::DescribeSslVpnClientCert => "DescribeSslVpnClientCert",
            Action::DescribeSslVpnClientCerts => "DescribeSslVpnClientCerts",
            Action::ModifySslVpnClientCert => "ModifySslVpnClientCert",
            #[cfg(test)]
            Action::PanicForTest => "PanicForTest",
        }
    }

    /// Parameters besides `RegionId` that the action declares required (`Missing{P}`).
    fn required(self) -> &'static [&'static str] {
        match self {
            Action::CreateSslVpnClientCert => &["SslVpnServerId"],
            Action::DeleteSslVpnClientCert
            | Action::DescribeSslVpnClientCert
            | Action::ModifySslVpnClientCert => &["SslVpnClientCertId"],
            Action::DescribeRegions | Action::DescribeSslVpnClientCerts => &[],
            #[cfg(test)]
            Action::PanicForTest => &[],
        }
    }

    /// DescribeRegions takes no region and needs no permission (SPEC 7.5, section 5).
    fn is_global(self) -> bool {
        match self {
            Action::DescribeRegions => true,
            Action::CreateSslVpnClientCert
            | Action::DeleteSslVpnClientCert
            | Action::DescribeSslVpnClientCert
            | Action::DescribeSslVpnClientCerts
            | Action::ModifySslVpnClientCert => false,
            #[cfg(test)]
            Action::PanicForTest => true,
        }
    }
}

/// One authenticated API call on its way through an action.
pub struct Call<'a> {
    pub action: Action,
    pub principal: &'a Principal,
    pub params: &'a Params,
    pub world: &'a RwLock<World>,
    pub ids: &'a Ids,
    pub name_rule: NameRule,
    /// The emulator clock, epoch milliseconds.
    pub now_ms: i64,
    /// Real time, for token expiry.
    pub real_now_ms: i64,
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
                    action = self.action.name(),
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
        let token = self.params.get("ClientToken");
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
            action: self.action.name().to_owned(),
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

/// Turns a `json!` object into a [`Reply`].
pub fn reply(value: Value) -> Reply {
    match value {
        Value::Object(map) => map,
        _ => Reply::new(),
    }
}

/// The first of the value checks (SPEC section 13): a value with a control character
/// (U+0000-U+001F but tab, and U+007F) is `InvalidParameter` for it. `ClientToken` has its own
/// rule (`InvalidClientToken.Malformed`), checked with the other values.
fn reject_control_characters(params: &Params) -> Result<(), ApiError> {
    let control = |c: char| c.is_ascii_control() && c != '\t';
    match params
        .iter()
        .find(|(name, value)| *name != "ClientToken" && value.contains(control))
    {
        Some((name, _)) => Err(ApiError::InvalidParameter(name.to_owned())),
        None => Ok(()),
    }
}

/// Runs the checks that every action shares — `RegionId` present and known, the declared
/// required parameters, the caller's permission for the action — then the action itself.
pub fn dispatch(call: &Call) -> Result<Reply, ApiError> {
    if !call.action.is_global() {
        let region = call.params.required("RegionId")?;
        if !call.read().region_exists(region) {
            return Err(ApiError::InvalidRegionIdNotFound);
        }
    }
    for name in call.action.required() {
        call.params.required(name)?;
    }
    if !call.action.is_global() {
        ram::authorize_action(call.principal, call.action.name())?;
    }
    reject_control_characters(call.params)?;
    match call.action {
        Action::CreateSslVpnClientCert => create_ssl_vpn_client_cert::handle(call),
        Action::DeleteSslVpnClientCert => delete_ssl_vpn_client_cert::handle(call),
        Action::DescribeRegions => describe_regions::handle(call),
        Action::DescribeSslVpnClientCert => describe_ssl_vpn_client_cert::handle(call),
        Action::DescribeSslVpnClientCerts => describe_ssl_vpn_client_certs::handle(call),
        Action::ModifySslVpnClientCert => modify_ssl_vpn_client_cert::handle(call),
        #[cfg(test)]
        Action::PanicForTest => panic!("PanicForTest was called"),
    }
}
