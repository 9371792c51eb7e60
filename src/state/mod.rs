//! The emulated cloud: regions, accounts and their keys, VPN gateways, SSL-VPN servers and
//! client certificates, plus the ClientToken records that must change together with them.
//!
//! One [`World`] sits behind one `RwLock` in [`crate::app::AppState`]: every write action
//! (token check, change, token record) runs inside one short write section, which is what makes
//! concurrent requests with one ClientToken have exactly one effect. No section is held across
//! an `.await`.
//!
//! Split by idea: this file holds the world and its queries and mutators; [`doc`] the state
//! format; [`load`] reading and validating a state document; [`change`] the changes persistence
//! logs and their checked replay; [`cert`] the certificate and its one conversion to and from
//! the state format.

mod busy;
pub mod cert;
pub mod change;
mod check;
pub mod doc;
mod load;
mod table;

use std::collections::HashMap;

pub use cert::{CERT_VALIDITY_MS, Cert, EXPIRING_SOON_MS, MAX_NOW_MS, MAX_TIME_MS, cert_status};
pub use change::{Change, ReplayError};
pub use doc::StateDoc;
use doc::{
    CustomerGateway, GatewayStatus, Region, SslVpnServer, VSwitch, Vpc, VpnConnection, VpnGateway,
    VpnRouteEntry,
};
pub use load::{POSTPAY_END_TIME_MS, StateError, iso_time, parse_doc, state_time};
pub use table::OrderIndex;
use table::{Children, Row, Table};

use crate::auth::KeyRecord;
use crate::idempotency::{TokenDoc, TokenKey, TokenStore};
use crate::material::{MaterialError, Pem};
use crate::protocol::Reply;

impl Row for Cert {
    fn id(&self) -> &str {
        &self.id
    }
    fn order_time(&self) -> i64 {
        self.create_time
    }
}

impl Row for SslVpnServer {
    fn id(&self) -> &str {
        &self.ssl_vpn_server_id
    }
    fn order_time(&self) -> i64 {
        self.create_time.unwrap_or(0)
    }
    fn scope(&self) -> Option<(&str, &str)> {
        Some((&self.account_id, &self.region_id))
    }
}

impl Row for Vpc {
    fn id(&self) -> &str {
        &self.vpc_id
    }
    fn order_time(&self) -> i64 {
        self.created_ms
    }
    fn scope(&self) -> Option<(&str, &str)> {
        Some((&self.account_id, &self.region_id))
    }
    fn tags(&self) -> &[doc::Tag] {
        &self.tags
    }
}

impl Row for VSwitch {
    fn id(&self) -> &str {
        &self.vswitch_id
    }
    fn order_time(&self) -> i64 {
        self.created_ms
    }
    fn scope(&self) -> Option<(&str, &str)> {
        Some((&self.account_id, &self.region_id))
    }
    fn tags(&self) -> &[doc::Tag] {
        &self.tags
    }
}

impl Row for VpnGateway {
    fn id(&self) -> &str {
        &self.vpn_gateway_id
    }
    fn order_time(&self) -> i64 {
        self.create_time.unwrap_or(0)
    }
    fn scope(&self) -> Option<(&str, &str)> {
        Some((&self.account_id, &self.region_id))
    }
    fn tags(&self) -> &[doc::Tag] {
        &self.tags
    }
}

/// The resource kinds with user tags, which the tag index covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    Vpc,
    VSwitch,
    VpnGateway,
    CustomerGateway,
    VpnConnection,
}

/// What [`World::tag_entries_from`] finds: the entries in all, and the resources (ID, tags)
/// from the one holding the first entry asked for, `within` of whose tags come before it.
pub struct TagEntries<'a> {
    pub total: u64,
    pub resources: Box<dyn Iterator<Item = (&'a str, &'a [doc::Tag])> + 'a>,
    pub within: u64,
}

impl Row for CustomerGateway {
    fn id(&self) -> &str {
        &self.customer_gateway_id
    }
    fn order_time(&self) -> i64 {
        self.create_time.unwrap_or(0)
    }
    fn scope(&self) -> Option<(&str, &str)> {
        Some((&self.account_id, &self.region_id))
    }
    fn tags(&self) -> &[doc::Tag] {
        &self.tags
    }
}

impl Row for VpnConnection {
    fn id(&self) -> &str {
        &self.vpn_connection_id
    }
    fn order_time(&self) -> i64 {
        self.create_time.unwrap_or(0)
    }
    fn scope(&self) -> Option<(&str, &str)> {
        Some((&self.account_id, &self.region_id))
    }
    fn tags(&self) -> &[doc::Tag] {
        &self.tags
    }
}

/// A route's ID is its key (gateway, destination, next hop), so routes of one CreateTime list
/// by destination, then next hop.
impl Row for VpnRouteEntry {
    fn id(&self) -> &str {
        &self.key
    }
    fn order_time(&self) -> i64 {
        self.create_time.unwrap_or(0)
    }
}

/// The key of an account's resources in one region, for the per-scope indexes.
fn scope(account_id: &str, region_id: &str) -> String {
    format!("{account_id}/{region_id}")
}

#[derive(Debug)]
pub struct World {
    regions: Vec<Region>,
    accounts: Vec<doc::Account>,
    keys: HashMap<String, KeyRecord>,
    vpcs: Table<Vpc>,
    vswitches: Table<VSwitch>,
    vswitches_of_vpc: Children,
    gateways: Table<VpnGateway>,
    servers: Table<SslVpnServer>,
    servers_of_gateway: Children,
    certs: Table<Cert>,
    certs_of_server: Children,
    /// Certificates of each account and region ([`scope`]), for the unfiltered list.
    certs_of_scope: Children,
    customer_gateways: Table<CustomerGateway>,
    connections: Table<VpnConnection>,
    connections_of_gateway: Children,
    connections_of_customer_gateway: Children,
    routes: Table<VpnRouteEntry>,
    routes_of_gateway: Children,
    pub tokens: TokenStore,
    /// Each gateway's busy window on the emulator clock, and what it reads meanwhile:
    /// `updating` after a change (SPEC section 11), `provisioning` after its create (section
    /// 12). Kept across a rollback, never exported or persisted ([`busy`]).
    windows: busy::Windows,
    /// Changes since the last [`World::take_changes`], for persistence.
    changes: Vec<Change>,
    /// Whether changes are kept for [`World::take_changes`]: only persistence reads them, so
    /// without a state file they are not even built.
    recording: bool,
}

impl World {
    /// Stops (or resumes) keeping changes for [`World::take_changes`].
    pub fn set_recording(&mut self, recording: bool) {
        self.recording = recording;
        self.changes.clear();
    }

    fn record(&mut self, change: impl FnOnce() -> Change) {
        if self.recording {
            self.changes.push(change());
        }
    }

    /// The resources and the ClientTokens, as the persistence file holds them.
    pub fn to_persisted_doc(&self) -> StateDoc {
        StateDoc {
            client_tokens: Some(self.tokens.export()),
            ..self.to_doc()
        }
    }

    /// The resources in the state format (no ClientTokens), each kind in list order.
    pub fn to_doc(&self) -> StateDoc {
        StateDoc {
            client_tokens: None,
            signature_nonces: None,
            regions: self.regions.clone(),
            accounts: self.accounts.clone(),
            vpcs: self.vpcs.iter().cloned().collect(),
            vswitches: self.vswitches.iter().cloned().collect(),
            vpn_gateways: self.gateways.iter().cloned().collect(),
            ssl_vpn_servers: self.servers.iter().cloned().collect(),
            ssl_vpn_client_certs: self.certs.iter().map(Cert::to_doc).collect(),
            customer_gateways: self.customer_gateways.iter().cloned().collect(),
            vpn_connections: self.connections.iter().cloned().collect(),
            vpn_route_entries: self.routes.iter().cloned().collect(),
        }
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    pub fn region_exists(&self, region_id: &str) -> bool {
        self.regions.iter().any(|r| r.region_id == region_id)
    }

    /// The account anonymous callers act as.
    pub fn first_account(&self) -> &str {
        self.accounts.first().map_or("", |a| a.account_id.as_str())
    }

    fn account_exists(&self, account_id: &str) -> bool {
        self.accounts.iter().any(|a| a.account_id == account_id)
    }

    pub fn key(&self, access_key_id: &str) -> Option<&KeyRecord> {
        self.keys.get(access_key_id)
    }

    /// A certificate of this account in this region; any other is "not found".
    pub fn cert(&self, account_id: &str, region_id: &str, id: &str) -> Option<&Cert> {
        self.certs
            .get(id)
            .filter(|c| c.account_id == account_id && c.region_id == region_id)
    }

    /// Renames a certificate.
    pub fn rename_cert(&mut self, id: &str, name: String) {
        if let Some(cert) = self.certs.get_mut(id) {
            cert.name = name;
            if self.recording {
                self.changes.push(Change::PutCert(cert.to_doc()));
            }
        }
    }

    pub fn cert_exists(&self, id: &str) -> bool {
        self.certs.contains(id)
    }

    /// How many certificates an account has in a region.
    pub fn cert_count_in(&self, account_id: &str, region_id: &str) -> usize {
        self.certs_of_scope.count(&scope(account_id, region_id))
    }

    /// The certificates of an account in a region, in list order.
    pub fn certs_in(&self, account_id: &str, region_id: &str) -> impl Iterator<Item = &Cert> {
        self.certs_of_scope
            .of(&scope(account_id, region_id))
            .filter_map(|id| self.certs.get(id))
    }

    /// The IDs of an account's certificates in a region, in list order.
    pub fn cert_ids_in<'a>(
        &'a self,
        account_id: &str,
        region_id: &str,
    ) -> impl Iterator<Item = &'a str> + use<'a> {
        self.certs_of_scope.of(&scope(account_id, region_id))
    }

    /// The certificates of an account in a region from position `skip` on, in list order,
    /// without walking those before.
    pub fn cert_ids_in_from<'a>(
        &'a self,
        account_id: &str,
        region_id: &str,
        skip: usize,
    ) -> impl Iterator<Item = &'a str> + use<'a> {
        self.certs_of_scope
            .of_from(&scope(account_id, region_id), skip)
    }

    /// A server's certificates, in list order.
    pub fn certs_of(&self, server_id: &str) -> impl Iterator<Item = &Cert> {
        self.certs_of_server
            .of(server_id)
            .filter_map(|id| self.certs.get(id))
    }

    /// A server of this account in this region; any other is "not found".
    pub fn server(&self, account_id: &str, region_id: &str, id: &str) -> Option<&SslVpnServer> {
        self.server_by_id(id)
            .filter(|s| s.account_id == account_id && s.region_id == region_id)
    }

    pub fn server_by_id(&self, id: &str) -> Option<&SslVpnServer> {
        self.servers.get(id)
    }

    /// Every server, in list order.
    pub fn servers(&self) -> impl Iterator<Item = &SslVpnServer> {
        self.servers.iter()
    }

    /// A gateway's servers, in list order.
    pub fn servers_of(&self, gateway_id: &str) -> impl Iterator<Item = &SslVpnServer> {
        self.servers_of_gateway
            .of(gateway_id)
            .filter_map(|id| self.servers.get(id))
    }

    /// Adds a server, or replaces the one with its ID (same gateway).
    pub fn put_server(&mut self, server: SslVpnServer) {
        if self.recording {
            self.changes.push(Change::PutServer(server.clone()));
        }
        self.store_server(server);
    }

    /// Deletes a server and every certificate under it, as one change.
    pub fn delete_server(&mut self, id: &str) {
        self.record(|| Change::DeleteServer(id.to_owned()));
        self.drop_server(id);
    }

    fn store_server(&mut self, server: SslVpnServer) {
        if let Some(old) = self.servers.remove(&server.ssl_vpn_server_id) {
            self.servers_of_gateway.remove(&old.vpn_gateway_id, &old);
        }
        self.servers_of_gateway
            .insert(&server.vpn_gateway_id, &server);
        self.servers.insert(server);
    }

    /// Removes a server and its certificates; the number of certificates removed.
    fn drop_server(&mut self, id: &str) -> Option<usize> {
        let server = self.servers.remove(id)?;
        self.servers_of_gateway
            .remove(&server.vpn_gateway_id, &server);
        let certs: Vec<String> = self.certs_of_server.of(id).map(str::to_owned).collect();
        for cert in &certs {
            self.drop_cert(cert);
        }
        Some(certs.len())
    }

    /// What making a certificate's material needs: its server's CA and its validity, or
    /// `None` if it has material already. `Err` if its server has no CA (a broken state).
    pub fn material_inputs(&self, cert_id: &str) -> Result<Option<(Pem, i64, i64)>, MaterialError> {
        let Some(cert) = self.certs.get(cert_id) else {
            return Ok(None);
        };
        if cert.client_cert.is_some() {
            return Ok(None);
        }
        let server = self.server_by_id(&cert.server_id);
        match (
            server.and_then(|s| s.ca_cert.clone()),
            server.and_then(|s| s.ca_key.clone()),
        ) {
            (Some(cert_pem), Some(key)) => Ok(Some((
                Pem {
                    cert: cert_pem,
                    key,
                },
                cert.create_time,
                cert.end_time,
            ))),
            _ => Err(MaterialError::new(format!(
                "server {} has no CA",
                cert.server_id
            ))),
        }
    }

    /// Gives a certificate the key and certificate made for it, unless it got some meanwhile
    /// (SPEC section 6: made once, then part of the state).
    pub fn set_material(&mut self, cert_id: &str, pem: Pem) {
        if let Some(cert) = self.certs.get_mut(cert_id)
            && cert.client_cert.is_none()
        {
            cert.client_cert = Some(pem.cert);
            cert.client_key = Some(pem.key);
            if self.recording {
                self.changes.push(Change::PutCert(cert.to_doc()));
            }
        }
    }

    /// The gateways of an account in a region, in list order.
    pub fn gateways_in<'a>(
        &'a self,
        account_id: &'a str,
        region_id: &'a str,
    ) -> impl Iterator<Item = &'a VpnGateway> {
        self.gateways.iter_in_from(account_id, region_id, 0)
    }

    /// How many gateways an account has in a region.
    pub fn gateway_count_in(&self, account_id: &str, region_id: &str) -> usize {
        self.gateways.count_in(account_id, region_id)
    }

    /// The gateways of an account in a region from position `skip` on, in list order.
    pub fn gateways_in_from<'a>(
        &'a self,
        account_id: &'a str,
        region_id: &'a str,
        skip: usize,
    ) -> impl Iterator<Item = &'a VpnGateway> {
        self.gateways.iter_in_from(account_id, region_id, skip)
    }

    /// The servers of an account in a region, in list order.
    pub fn servers_in<'a>(
        &'a self,
        account_id: &'a str,
        region_id: &'a str,
    ) -> impl Iterator<Item = &'a SslVpnServer> {
        self.servers.iter_in_from(account_id, region_id, 0)
    }

    /// How many servers an account has in a region.
    pub fn server_count_in(&self, account_id: &str, region_id: &str) -> usize {
        self.servers.count_in(account_id, region_id)
    }

    /// The servers of an account in a region from position `skip` on, in list order.
    pub fn servers_in_from<'a>(
        &'a self,
        account_id: &'a str,
        region_id: &'a str,
        skip: usize,
    ) -> impl Iterator<Item = &'a SslVpnServer> {
        self.servers.iter_in_from(account_id, region_id, skip)
    }

    /// ListTagResources' entries (each resource's tags, resources in list order) of one kind,
    /// of an account in a region, with one tag key (and value) or all (`tag` `None`): how many
    /// entries in all, the resources from the one holding entry `start`, and how many of that
    /// resource's tags come before `start`. Found through the tag index, without walking the
    /// entries before `start`.
    pub fn tag_entries_from<'a>(
        &'a self,
        kind: TagKind,
        account_id: &str,
        region_id: &str,
        tag: Option<(&str, Option<&str>)>,
        start: u64,
    ) -> TagEntries<'a> {
        fn of<'a, T: Row>(
            table: &'a Table<T>,
            account_id: &str,
            region_id: &str,
            tag: Option<(&str, Option<&str>)>,
            start: u64,
        ) -> TagEntries<'a> {
            let Some(index) = table.scope_index(account_id, region_id, tag) else {
                return TagEntries {
                    total: 0,
                    resources: Box::new(std::iter::empty()),
                    within: 0,
                };
            };
            let (rows, within) = table.rows_from_entry(index, start);
            TagEntries {
                total: index.weight(),
                resources: Box::new(rows.map(|r| (r.id(), r.tags()))),
                within,
            }
        }
        match kind {
            TagKind::Vpc => of(&self.vpcs, account_id, region_id, tag, start),
            TagKind::VSwitch => of(&self.vswitches, account_id, region_id, tag, start),
            TagKind::VpnGateway => of(&self.gateways, account_id, region_id, tag, start),
            TagKind::CustomerGateway => {
                of(&self.customer_gateways, account_id, region_id, tag, start)
            }
            TagKind::VpnConnection => of(&self.connections, account_id, region_id, tag, start),
        }
    }

    /// How many resources of one kind, of an account in a region, carry a tag key (and value).
    pub fn tagged_count(
        &self,
        kind: TagKind,
        account_id: &str,
        region_id: &str,
        tag: (&str, Option<&str>),
    ) -> usize {
        let (account, region, tag) = (account_id, region_id, Some(tag));
        match kind {
            TagKind::Vpc => self.vpcs.scope_index(account, region, tag),
            TagKind::VSwitch => self.vswitches.scope_index(account, region, tag),
            TagKind::VpnGateway => self.gateways.scope_index(account, region, tag),
            TagKind::CustomerGateway => self.customer_gateways.scope_index(account, region, tag),
            TagKind::VpnConnection => self.connections.scope_index(account, region, tag),
        }
        .map_or(0, OrderIndex::len)
    }

    /// A gateway of this account in this region; any other is "not found".
    pub fn gateway_in(&self, account_id: &str, region_id: &str, id: &str) -> Option<&VpnGateway> {
        self.gateway(id)
            .filter(|g| g.account_id == account_id && g.region_id == region_id)
    }

    pub fn gateway(&self, id: &str) -> Option<&VpnGateway> {
        self.gateways.get(id)
    }

    /// A gateway's `Status` at `now_ms` of the emulator clock: `updating` during its busy
    /// window, else as stored.
    pub fn gateway_status(&self, gateway: &VpnGateway, now_ms: i64) -> GatewayStatus {
        self.windows
            .status_at(&gateway.vpn_gateway_id, now_ms)
            .unwrap_or(gateway.status)
    }

    /// The end of a gateway's busy (or provisioning) window, if one lasts at `now_ms`.
    pub fn busy_end(&self, gateway_id: &str, now_ms: i64) -> Option<i64> {
        self.windows.end_at(gateway_id, now_ms)
    }

    /// Every certificate, in list order.
    pub fn all_certs(&self) -> impl Iterator<Item = &Cert> {
        self.certs.iter()
    }

    /// Whether a gateway is `active` at `now_ms`, which the server actions need.
    pub fn gateway_active(&self, gateway_id: &str, now_ms: i64) -> bool {
        self.gateway(gateway_id)
            .is_some_and(|g| self.gateway_status(g, now_ms) == GatewayStatus::Active)
    }

    /// Starts a gateway's busy window after a change (nothing for a window of 0).
    pub fn start_busy(&mut self, gateway_id: &str, now_ms: i64, busy_ms: u32) {
        self.start_window(gateway_id, now_ms, busy_ms, GatewayStatus::Updating);
    }

    /// Starts a new gateway's `provisioning` window (nothing for a window of 0).
    pub fn start_provisioning(&mut self, gateway_id: &str, now_ms: i64, busy_ms: u32) {
        self.start_window(gateway_id, now_ms, busy_ms, GatewayStatus::Provisioning);
    }

    fn start_window(&mut self, gateway_id: &str, now_ms: i64, busy_ms: u32, status: GatewayStatus) {
        self.windows.start(gateway_id, now_ms, busy_ms, status);
    }

    /// Notes that the windows started since the last call belong to persistence record `seq`
    /// (0: none); call it where the changes are taken ([`World::take_changes`]).
    pub fn stamp_windows(&mut self, seq: u64) {
        self.windows.stamp(seq);
    }

    /// After a failed write: gives `durable` (this state reloaded from the files) the busy
    /// windows of the acknowledged changes, those of records up to `durable_seq`.
    pub fn carry_windows_into(&self, durable: &mut World, durable_seq: u64) {
        let gateways = &durable.gateways;
        self.windows
            .carry_into(&mut durable.windows, durable_seq, |id| {
                gateways.contains(id)
            });
    }

    /// Whether the server's gateway is `updating` at `now_ms`, which blocks certificate Create
    /// and Delete.
    pub fn gateway_updating(&self, server: &SslVpnServer, now_ms: i64) -> bool {
        self.gateway(&server.vpn_gateway_id)
            .is_some_and(|g| self.gateway_status(g, now_ms) == GatewayStatus::Updating)
    }

    pub fn certs_of_server(&self, server_id: &str) -> usize {
        self.certs_of_server.count(server_id)
    }

    pub fn insert_cert(&mut self, cert: Cert) {
        self.record(|| Change::PutCert(cert.to_doc()));
        self.put_cert(cert);
    }

    pub fn remove_cert(&mut self, id: &str) -> Option<Cert> {
        self.record(|| Change::DeleteCert(id.to_owned()));
        self.drop_cert(id)
    }

    fn put_cert(&mut self, cert: Cert) {
        self.drop_cert(&cert.id);
        self.certs_of_server.insert(&cert.server_id, &cert);
        self.certs_of_scope
            .insert(&scope(&cert.account_id, &cert.region_id), &cert);
        self.certs.insert(cert);
    }

    fn drop_cert(&mut self, id: &str) -> Option<Cert> {
        let cert = self.certs.remove(id)?;
        self.certs_of_server.remove(&cert.server_id, &cert);
        self.certs_of_scope
            .remove(&scope(&cert.account_id, &cert.region_id), &cert);
        Some(cert)
    }

    /// A VPC of this account in this region; any other is "not found".
    pub fn vpc(&self, account_id: &str, region_id: &str, id: &str) -> Option<&Vpc> {
        self.vpcs
            .get(id)
            .filter(|v| v.account_id == account_id && v.region_id == region_id)
    }

    pub fn vpc_by_id(&self, id: &str) -> Option<&Vpc> {
        self.vpcs.get(id)
    }

    pub fn vswitch_by_id(&self, id: &str) -> Option<&VSwitch> {
        self.vswitches.get(id)
    }

    /// The VPCs of an account in a region, in list order.
    pub fn vpcs_in<'a>(
        &'a self,
        account_id: &'a str,
        region_id: &'a str,
    ) -> impl Iterator<Item = &'a Vpc> {
        self.vpcs.iter_in_from(account_id, region_id, 0)
    }

    /// How many VPCs an account has in a region.
    pub fn vpc_count_in(&self, account_id: &str, region_id: &str) -> usize {
        self.vpcs.count_in(account_id, region_id)
    }

    /// The VPCs of an account in a region from position `skip` on, in list order, without
    /// walking those before.
    pub fn vpcs_in_from<'a>(
        &'a self,
        account_id: &'a str,
        region_id: &'a str,
        skip: usize,
    ) -> impl Iterator<Item = &'a Vpc> {
        self.vpcs.iter_in_from(account_id, region_id, skip)
    }

    /// A vSwitch of this account in this region; any other is "not found".
    pub fn vswitch(&self, account_id: &str, region_id: &str, id: &str) -> Option<&VSwitch> {
        self.vswitches
            .get(id)
            .filter(|v| v.account_id == account_id && v.region_id == region_id)
    }

    /// The vSwitches of an account in a region, in list order.
    pub fn vswitches_in<'a>(
        &'a self,
        account_id: &'a str,
        region_id: &'a str,
    ) -> impl Iterator<Item = &'a VSwitch> {
        self.vswitches.iter_in_from(account_id, region_id, 0)
    }

    /// How many vSwitches an account has in a region.
    pub fn vswitch_count_in(&self, account_id: &str, region_id: &str) -> usize {
        self.vswitches.count_in(account_id, region_id)
    }

    /// The vSwitches of an account in a region from position `skip` on, in list order.
    pub fn vswitches_in_from<'a>(
        &'a self,
        account_id: &'a str,
        region_id: &'a str,
        skip: usize,
    ) -> impl Iterator<Item = &'a VSwitch> {
        self.vswitches.iter_in_from(account_id, region_id, skip)
    }

    /// A VPC's vSwitches, oldest first.
    pub fn vswitches_of(&self, vpc_id: &str) -> impl Iterator<Item = &VSwitch> {
        self.vswitches_of_vpc
            .of(vpc_id)
            .filter_map(|id| self.vswitches.get(id))
    }

    /// The gateways in a VPC (a scan: gateways are few).
    pub fn gateways_of_vpc<'a>(&'a self, vpc_id: &'a str) -> impl Iterator<Item = &'a VpnGateway> {
        self.gateways.iter().filter(move |g| g.vpc_id == vpc_id)
    }

    /// The gateways on a vSwitch (a scan: gateways are few).
    pub fn gateways_of_vswitch<'a>(
        &'a self,
        vswitch_id: &'a str,
    ) -> impl Iterator<Item = &'a VpnGateway> {
        self.gateways
            .iter()
            .filter(move |g| g.vswitch_id == vswitch_id)
    }

    /// Every gateway, in list order.
    pub fn gateways(&self) -> impl Iterator<Item = &VpnGateway> {
        self.gateways.iter()
    }

    /// A zone of the region, by ID.
    pub fn zone_exists(&self, region_id: &str, zone_id: &str) -> bool {
        self.regions
            .iter()
            .any(|r| r.region_id == region_id && r.zones.iter().any(|z| z == zone_id))
    }

    pub fn put_vpc(&mut self, vpc: Vpc) {
        self.record(|| Change::PutVpc(vpc.clone()));
        self.vpcs.insert(vpc);
    }

    pub fn delete_vpc(&mut self, id: &str) {
        self.record(|| Change::DeleteVpc(id.to_owned()));
        self.vpcs.remove(id);
    }

    pub fn put_vswitch(&mut self, vswitch: VSwitch) {
        self.record(|| Change::PutVSwitch(vswitch.clone()));
        self.store_vswitch(vswitch);
    }

    pub fn delete_vswitch(&mut self, id: &str) {
        self.record(|| Change::DeleteVSwitch(id.to_owned()));
        self.drop_vswitch(id);
    }

    fn store_vswitch(&mut self, vswitch: VSwitch) {
        if let Some(old) = self.vswitches.remove(&vswitch.vswitch_id) {
            self.vswitches_of_vpc.remove(&old.vpc_id, &old);
        }
        self.vswitches_of_vpc.insert(&vswitch.vpc_id, &vswitch);
        self.vswitches.insert(vswitch);
    }

    fn drop_vswitch(&mut self, id: &str) -> Option<VSwitch> {
        let old = self.vswitches.remove(id)?;
        self.vswitches_of_vpc.remove(&old.vpc_id, &old);
        Some(old)
    }

    /// Adds a gateway, or replaces the one with its ID.
    pub fn put_gateway(&mut self, gateway: VpnGateway) {
        self.record(|| Change::PutGateway(gateway.clone()));
        self.gateways.insert(gateway);
    }

    /// Deletes a gateway that has no SSL-VPN server and no IPsec connection left (SPEC 12).
    pub fn delete_gateway(&mut self, id: &str) {
        self.record(|| Change::DeleteVpnGateway(id.to_owned()));
        self.drop_gateway(id);
    }

    /// Removes a gateway, and with it the SSL-VPN servers and certificates that a log written
    /// before SPEC 12 refused the delete may still leave under it.
    fn drop_gateway(&mut self, id: &str) -> Option<VpnGateway> {
        let gateway = self.gateways.remove(id)?;
        let servers: Vec<String> = self.servers_of_gateway.of(id).map(str::to_owned).collect();
        for server in servers {
            self.drop_server(&server);
        }
        self.windows.remove(id);
        Some(gateway)
    }

    /// A customer gateway of this account in this region; any other is "not found".
    pub fn customer_gateway(
        &self,
        account_id: &str,
        region_id: &str,
        id: &str,
    ) -> Option<&CustomerGateway> {
        self.customer_gateways
            .get(id)
            .filter(|c| c.account_id == account_id && c.region_id == region_id)
    }

    pub fn customer_gateway_by_id(&self, id: &str) -> Option<&CustomerGateway> {
        self.customer_gateways.get(id)
    }

    /// The customer gateways of an account in a region, in list order.
    pub fn customer_gateways_in<'a>(
        &'a self,
        account_id: &'a str,
        region_id: &'a str,
    ) -> impl Iterator<Item = &'a CustomerGateway> {
        self.customer_gateways
            .iter()
            .filter(move |c| c.account_id == account_id && c.region_id == region_id)
    }

    /// Adds a customer gateway, or replaces the one with its ID.
    pub fn put_customer_gateway(&mut self, gateway: CustomerGateway) {
        self.record(|| Change::PutCustomerGateway(gateway.clone()));
        self.customer_gateways.insert(gateway);
    }

    /// Deletes a customer gateway that no connection uses.
    pub fn delete_customer_gateway(&mut self, id: &str) {
        self.record(|| Change::DeleteCustomerGateway(id.to_owned()));
        self.customer_gateways.remove(id);
    }

    /// An IPsec connection of this account in this region; any other is "not found".
    pub fn connection(
        &self,
        account_id: &str,
        region_id: &str,
        id: &str,
    ) -> Option<&VpnConnection> {
        self.connections
            .get(id)
            .filter(|c| c.account_id == account_id && c.region_id == region_id)
    }

    pub fn connection_by_id(&self, id: &str) -> Option<&VpnConnection> {
        self.connections.get(id)
    }

    /// Every connection, in list order.
    pub fn connections(&self) -> impl Iterator<Item = &VpnConnection> {
        self.connections.iter()
    }

    /// A VPN gateway's connections, in list order.
    pub fn connections_of(&self, gateway_id: &str) -> impl Iterator<Item = &VpnConnection> {
        self.connections_of_gateway
            .of(gateway_id)
            .filter_map(|id| self.connections.get(id))
    }

    /// A customer gateway's connections, in list order.
    pub fn connections_of_customer_gateway(
        &self,
        customer_gateway_id: &str,
    ) -> impl Iterator<Item = &VpnConnection> {
        self.connections_of_customer_gateway
            .of(customer_gateway_id)
            .filter_map(|id| self.connections.get(id))
    }

    /// Adds a connection, or replaces the one with its ID (same gateways).
    pub fn put_connection(&mut self, connection: VpnConnection) {
        self.record(|| Change::PutVpnConnection(Box::new(connection.clone())));
        self.store_connection(connection);
    }

    /// Deletes a connection and the destination routes whose next hop it is, as one change.
    pub fn delete_connection(&mut self, id: &str) {
        self.record(|| Change::DeleteVpnConnection(id.to_owned()));
        self.drop_connection(id);
    }

    fn store_connection(&mut self, connection: VpnConnection) {
        if let Some(old) = self.connections.remove(&connection.vpn_connection_id) {
            self.connections_of_gateway
                .remove(&old.vpn_gateway_id, &old);
            self.connections_of_customer_gateway
                .remove(&old.customer_gateway_id, &old);
        }
        self.connections_of_gateway
            .insert(&connection.vpn_gateway_id, &connection);
        self.connections_of_customer_gateway
            .insert(&connection.customer_gateway_id, &connection);
        self.connections.insert(connection);
    }

    /// Removes a connection and its routes; the number of routes removed.
    fn drop_connection(&mut self, id: &str) -> Option<usize> {
        let connection = self.connections.remove(id)?;
        self.connections_of_gateway
            .remove(&connection.vpn_gateway_id, &connection);
        self.connections_of_customer_gateway
            .remove(&connection.customer_gateway_id, &connection);
        let routes: Vec<String> = self
            .routes_of(&connection.vpn_gateway_id)
            .filter(|r| r.next_hop == id)
            .map(|r| r.key.clone())
            .collect();
        for key in &routes {
            self.drop_route(key);
        }
        Some(routes.len())
    }

    /// A gateway's destination routes, in list order.
    pub fn routes_of(&self, gateway_id: &str) -> impl Iterator<Item = &VpnRouteEntry> {
        self.routes_of_gateway
            .of(gateway_id)
            .filter_map(|key| self.routes.get(key))
    }

    /// The route of a gateway to a destination through a next hop.
    pub fn route(
        &self,
        gateway_id: &str,
        route_dest: &str,
        next_hop: &str,
    ) -> Option<&VpnRouteEntry> {
        self.routes
            .get(&VpnRouteEntry::key_of(gateway_id, route_dest, next_hop))
    }

    /// Every route, in list order.
    pub fn routes(&self) -> impl Iterator<Item = &VpnRouteEntry> {
        self.routes.iter()
    }

    /// Adds a route, or replaces the one with its key.
    pub fn put_route(&mut self, route: VpnRouteEntry) {
        let route = route.with_key();
        self.record(|| Change::PutVpnRouteEntry(route.clone()));
        self.store_route(route);
    }

    /// Deletes a route.
    pub fn delete_route(&mut self, gateway_id: &str, route_dest: &str, next_hop: &str) {
        self.record(|| {
            Change::DeleteVpnRouteEntry(doc::RouteKey {
                vpn_gateway_id: gateway_id.to_owned(),
                route_dest: route_dest.to_owned(),
                next_hop: next_hop.to_owned(),
            })
        });
        self.drop_route(&VpnRouteEntry::key_of(gateway_id, route_dest, next_hop));
    }

    fn store_route(&mut self, route: VpnRouteEntry) {
        if let Some(old) = self.routes.remove(&route.key) {
            self.routes_of_gateway.remove(&old.vpn_gateway_id, &old);
        }
        self.routes_of_gateway.insert(&route.vpn_gateway_id, &route);
        self.routes.insert(route);
    }

    fn drop_route(&mut self, key: &str) -> Option<VpnRouteEntry> {
        let route = self.routes.remove(key)?;
        self.routes_of_gateway.remove(&route.vpn_gateway_id, &route);
        Some(route)
    }

    /// Remembers a ClientToken's successful result.
    pub fn record_token(
        &mut self,
        key: TokenKey,
        fingerprint: String,
        result: Reply,
        real_now_ms: i64,
    ) {
        self.record(|| {
            Change::Token(TokenDoc {
                account_id: key.account_id.clone(),
                action: key.action.clone(),
                client_token: key.token.clone(),
                fingerprint: fingerprint.clone(),
                result: result.clone(),
                created_ms: real_now_ms,
            })
        });
        self.tokens.record(key, fingerprint, result, real_now_ms);
    }
}
