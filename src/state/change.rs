//! The changes the write-ahead log of [`crate::persist`] records, and their replay, checked
//! as the API would have made them.

use serde::{Deserialize, Serialize};

use super::load::{cert_times, vpc_defaults, vswitch_defaults};
use super::{Cert, MAX_TIME_MS, World, check, doc};
use crate::auth::NonceDoc;
use crate::idempotency::TokenDoc;

/// A change to the world, as the write-ahead log of [`crate::persist`] records it (one log
/// line holds every change of one request).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    PutCert(doc::SslVpnClientCert),
    DeleteCert(String),
    /// A new or changed SSL-VPN server (its CA included).
    PutServer(doc::SslVpnServer),
    /// A deleted SSL-VPN server, and with it every certificate under it.
    DeleteServer(String),
    PutVpc(doc::Vpc),
    DeleteVpc(String),
    PutVSwitch(doc::VSwitch),
    DeleteVSwitch(String),
    PutGateway(doc::VpnGateway),
    /// A deleted VPN gateway, and with it its SSL-VPN servers and their certificates: what
    /// DeleteVpnGateway logged until SPEC 12 made it refuse a gateway that still has a server.
    /// Never written any more; logs that hold it still replay.
    DeleteGateway(String),
    /// A deleted VPN gateway that had no SSL-VPN server and no IPsec connection (SPEC 12).
    DeleteVpnGateway(String),
    PutCustomerGateway(doc::CustomerGateway),
    /// A deleted customer gateway that no connection used.
    DeleteCustomerGateway(String),
    /// (Boxed: the largest change by far.)
    PutVpnConnection(Box<doc::VpnConnection>),
    /// A deleted IPsec connection, and with it the destination routes whose next hop it was.
    DeleteVpnConnection(String),
    PutVpnRouteEntry(doc::VpnRouteEntry),
    DeleteVpnRouteEntry(doc::RouteKey),
    Token(TokenDoc),
    /// A strict-mode nonce (not part of the world: [`crate::auth::NonceCache`] takes it).
    Nonce(NonceDoc),
}

impl Change {
    /// The change's key in a log line (`PutVpc`, ...), for the JSON path of a refusal.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::PutCert(_) => "PutCert",
            Change::DeleteCert(_) => "DeleteCert",
            Change::PutServer(_) => "PutServer",
            Change::DeleteServer(_) => "DeleteServer",
            Change::PutVpc(_) => "PutVpc",
            Change::DeleteVpc(_) => "DeleteVpc",
            Change::PutVSwitch(_) => "PutVSwitch",
            Change::DeleteVSwitch(_) => "DeleteVSwitch",
            Change::PutGateway(_) => "PutGateway",
            Change::DeleteGateway(_) => "DeleteGateway",
            Change::DeleteVpnGateway(_) => "DeleteVpnGateway",
            Change::PutCustomerGateway(_) => "PutCustomerGateway",
            Change::DeleteCustomerGateway(_) => "DeleteCustomerGateway",
            Change::PutVpnConnection(_) => "PutVpnConnection",
            Change::DeleteVpnConnection(_) => "DeleteVpnConnection",
            Change::PutVpnRouteEntry(_) => "PutVpnRouteEntry",
            Change::DeleteVpnRouteEntry(_) => "DeleteVpnRouteEntry",
            Change::Token(_) => "Token",
            Change::Nonce(_) => "Nonce",
        }
    }
}

/// Why a logged change does not fit the state it follows: shown as the JSON path inside the
/// change (`PutVpc.CidrBlock`, or just `DeleteCert`) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}{}: {reason}", field.as_ref().map(|f| format!(".{f}")).unwrap_or_default())]
pub struct ReplayError {
    pub kind: &'static str,
    pub field: Option<String>,
    pub reason: String,
}

impl World {
    /// The changes made since the last call.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    /// Replays a change from the write-ahead log, checked as the API would have made it (its
    /// values with the API's rules, SPEC 14, and against the state it follows): a change that
    /// does not fit is an error, and nothing of it is applied. `real_now_ms` (real time) drops a
    /// ClientToken record that has expired.
    pub fn apply(&mut self, change: Change, real_now_ms: i64) -> Result<(), ReplayError> {
        let kind = change.kind();
        if let Err(r) = self.check_values(&change) {
            return Err(ReplayError {
                kind,
                field: Some(r.field),
                reason: format!("{} ({})", r.reason, r.value),
            });
        }
        self.replay(change, real_now_ms)
            .map_err(|reason| ReplayError {
                kind,
                field: None,
                reason,
            })
    }

    /// The API's value rules for what a change puts in place (a vSwitch's block is checked
    /// against its VPC and siblings once they are known to exist).
    fn check_values(&self, change: &Change) -> Result<(), check::Refusal> {
        match change {
            Change::PutVpc(v) => check::vpc(v),
            Change::PutVSwitch(v) => match self.vpcs.get(&v.vpc_id) {
                Some(vpc) => check::vswitch(v, vpc, self.vswitches_of(&v.vpc_id)),
                None => Ok(()),
            },
            Change::PutGateway(g) if g.create_time.is_some() && g.end_time.is_some() => {
                check::gateway(g)
            }
            Change::PutServer(s) => check::server(s),
            Change::PutCustomerGateway(c) => check::customer_gateway(c),
            Change::PutVpnConnection(c) => check::connection(c),
            Change::PutVpnRouteEntry(r) => check::route(r),
            _ => Ok(()),
        }
    }

    fn replay(&mut self, change: Change, real_now_ms: i64) -> Result<(), String> {
        match change {
            Change::PutCert(c) => {
                let id = c.ssl_vpn_client_cert_id.clone();
                if id.is_empty() {
                    return Err("a certificate with an empty SslVpnClientCertId".into());
                }
                if !self.region_exists(&c.region_id) {
                    return Err(format!(
                        "certificate {id}: unknown region ({})",
                        c.region_id
                    ));
                }
                if !self.account_exists(&c.account_id) {
                    return Err(format!(
                        "certificate {id}: unknown account ({})",
                        c.account_id
                    ));
                }
                if self
                    .server(&c.account_id, &c.region_id, &c.ssl_vpn_server_id)
                    .is_none()
                {
                    return Err(format!(
                        "certificate {id}: no such SSL-VPN server in the certificate's account and region ({})",
                        c.ssl_vpn_server_id
                    ));
                }
                if c.create_time.is_none() || c.end_time.is_none() {
                    return Err(format!(
                        "certificate {id}: CreateTime and EndTime are required"
                    ));
                }
                let (create_time, end_time) =
                    cert_times(c.create_time, c.end_time, 0).map_err(|(_, reason, value)| {
                        format!("certificate {id}: {reason} ({value})")
                    })?;
                if c.client_cert.is_some() != c.client_key.is_some() {
                    return Err(format!(
                        "certificate {id}: ClientCert and ClientKey go together"
                    ));
                }
                if let Some(old) = self.certs.get(&id)
                    && (old.account_id != c.account_id || old.server_id != c.ssl_vpn_server_id)
                {
                    return Err(format!(
                        "certificate {id}: a change may not move it to another account or server"
                    ));
                }
                self.put_cert(Cert::from_doc(c, create_time, end_time));
            }
            Change::DeleteCert(id) => {
                if self.drop_cert(&id).is_none() {
                    return Err(format!("deletes certificate {id}, which does not exist"));
                }
            }
            Change::PutServer(s) => self.replay_put_server(s)?,
            Change::DeleteServer(id) => {
                if self.drop_server(&id).is_none() {
                    return Err(format!("deletes SSL-VPN server {id}, which does not exist"));
                }
            }
            Change::PutVpc(v) => self.replay_put_vpc(v, real_now_ms)?,
            Change::DeleteVpc(id) => {
                if self.vswitches_of(&id).next().is_some()
                    || self.gateways_of_vpc(&id).next().is_some()
                {
                    return Err(format!(
                        "deletes VPC {id}, which still has vSwitches or gateways"
                    ));
                }
                if self.vpcs.remove(&id).is_none() {
                    return Err(format!("deletes VPC {id}, which does not exist"));
                }
            }
            Change::PutVSwitch(v) => self.replay_put_vswitch(v, real_now_ms)?,
            Change::DeleteVSwitch(id) => {
                if self.gateways_of_vswitch(&id).next().is_some() {
                    return Err(format!("deletes vSwitch {id}, which a gateway uses"));
                }
                if self.drop_vswitch(&id).is_none() {
                    return Err(format!("deletes vSwitch {id}, which does not exist"));
                }
            }
            Change::PutGateway(g) => self.replay_put_gateway(g)?,
            Change::DeleteGateway(id) => {
                if self.connections_of(&id).next().is_some() {
                    return Err(format!(
                        "deletes VPN gateway {id}, which still has IPsec connections"
                    ));
                }
                if self.drop_gateway(&id).is_none() {
                    return Err(format!("deletes VPN gateway {id}, which does not exist"));
                }
            }
            Change::DeleteVpnGateway(id) => {
                if self.servers_of(&id).next().is_some()
                    || self.connections_of(&id).next().is_some()
                {
                    return Err(format!(
                        "deletes VPN gateway {id}, which still has an SSL-VPN server or IPsec connections"
                    ));
                }
                if self.drop_gateway(&id).is_none() {
                    return Err(format!("deletes VPN gateway {id}, which does not exist"));
                }
            }
            Change::PutCustomerGateway(c) => self.replay_put_customer_gateway(c)?,
            Change::DeleteCustomerGateway(id) => {
                if self.connections_of_customer_gateway(&id).next().is_some() {
                    return Err(format!(
                        "deletes customer gateway {id}, which IPsec connections use"
                    ));
                }
                if self.customer_gateways.remove(&id).is_none() {
                    return Err(format!(
                        "deletes customer gateway {id}, which does not exist"
                    ));
                }
            }
            Change::PutVpnConnection(c) => self.replay_put_connection(*c)?,
            Change::DeleteVpnConnection(id) => {
                if self.drop_connection(&id).is_none() {
                    return Err(format!(
                        "deletes IPsec connection {id}, which does not exist"
                    ));
                }
            }
            Change::PutVpnRouteEntry(r) => self.replay_put_route(r)?,
            Change::DeleteVpnRouteEntry(k) => {
                let key = doc::VpnRouteEntry::key_of(&k.vpn_gateway_id, &k.route_dest, &k.next_hop);
                if self.drop_route(&key).is_none() {
                    return Err(format!(
                        "deletes the route of VPN gateway {} to {} through {}, which does not exist",
                        k.vpn_gateway_id, k.route_dest, k.next_hop
                    ));
                }
            }
            Change::Token(doc) => {
                if !self.account_exists(&doc.account_id) {
                    return Err(format!(
                        "ClientToken record of an unknown account ({})",
                        doc.account_id
                    ));
                }
                if crate::idempotency::validate_token(&doc.client_token).is_err() {
                    return Err(format!(
                        "ClientToken record with a malformed token ({:?})",
                        doc.client_token
                    ));
                }
                self.tokens.restore(doc, real_now_ms);
            }
            Change::Nonce(_) => {}
        }
        Ok(())
    }
}

impl World {
    /// Replays a server change, checked: a known region, account and gateway of that account
    /// and region, a CreateTime, a usable CA, and no move to another account or gateway.
    fn replay_put_server(&mut self, s: doc::SslVpnServer) -> Result<(), String> {
        let id = s.ssl_vpn_server_id.clone();
        if id.is_empty() {
            return Err("an SSL-VPN server with an empty SslVpnServerId".into());
        }
        if !self.region_exists(&s.region_id) || !self.account_exists(&s.account_id) {
            return Err(format!(
                "SSL-VPN server {id}: unknown region or account ({}, {})",
                s.region_id, s.account_id
            ));
        }
        if self
            .gateway_in(&s.account_id, &s.region_id, &s.vpn_gateway_id)
            .is_none()
        {
            return Err(format!(
                "SSL-VPN server {id}: no such VPN gateway in the server's account and region ({})",
                s.vpn_gateway_id
            ));
        }
        if !s
            .create_time
            .is_some_and(|t| (0..=MAX_TIME_MS).contains(&t))
        {
            return Err(format!(
                "SSL-VPN server {id}: CreateTime is required, from 1970 to 9999"
            ));
        }
        let (Some(cert), Some(key)) = (&s.ca_cert, &s.ca_key) else {
            return Err(format!(
                "SSL-VPN server {id}: CaCert and CaKey are required"
            ));
        };
        crate::material::check_ca(&crate::material::Pem {
            cert: cert.clone(),
            key: key.clone(),
        })
        .map_err(|e| format!("SSL-VPN server {id}: {e}"))?;
        if let Some(old) = self.server_by_id(&id)
            && (old.account_id != s.account_id
                || old.vpn_gateway_id != s.vpn_gateway_id
                || old.create_time != s.create_time)
        {
            return Err(format!(
                "SSL-VPN server {id}: a change may not move it to another account or gateway, or change its CreateTime"
            ));
        }
        self.store_server(s);
        Ok(())
    }

    /// Replays a VPC change, checked like a VPC of a file, and never moved to another account
    /// or region.
    fn replay_put_vpc(&mut self, mut v: doc::Vpc, now_ms: i64) -> Result<(), String> {
        let id = v.vpc_id.clone();
        if id.is_empty() || !self.region_exists(&v.region_id) || !self.account_exists(&v.account_id)
        {
            return Err(format!(
                "VPC {id:?}: empty ID, or unknown region or account"
            ));
        }
        if v.creation_time.is_empty() || v.vrouter_id.is_empty() || v.route_table_id.is_empty() {
            return Err(format!(
                "VPC {id}: CreationTime, VRouterId and RouteTableId are required"
            ));
        }
        vpc_defaults(&mut v, now_ms)
            .map_err(|(field, reason, value)| format!("VPC {id}: {field}: {reason} ({value})"))?;
        if let Some(old) = self.vpcs.get(&id)
            && (old.account_id != v.account_id
                || old.region_id != v.region_id
                || old.created_ms != v.created_ms)
        {
            return Err(format!(
                "VPC {id}: a change may not move it or change its CreationTime"
            ));
        }
        self.vpcs.insert(v);
        Ok(())
    }

    /// Replays a vSwitch change: its VPC must exist, and it may not move to another one.
    fn replay_put_vswitch(&mut self, mut v: doc::VSwitch, now_ms: i64) -> Result<(), String> {
        let id = v.vswitch_id.clone();
        let Some(vpc) = self.vpcs.get(&v.vpc_id).cloned() else {
            return Err(format!("vSwitch {id}: no such VPC ({})", v.vpc_id));
        };
        if v.creation_time.is_empty() {
            return Err(format!("vSwitch {id}: CreationTime is required"));
        }
        let zones = self
            .regions
            .iter()
            .find(|r| r.region_id == vpc.region_id)
            .map(|r| r.zones.clone())
            .unwrap_or_default();
        vswitch_defaults(&mut v, &vpc, &zones, now_ms).map_err(|(field, reason, value)| {
            format!("vSwitch {id}: {field}: {reason} ({value})")
        })?;
        if let Some(old) = self.vswitches.get(&id)
            && (old.vpc_id != v.vpc_id || old.created_ms != v.created_ms)
        {
            return Err(format!(
                "vSwitch {id}: a change may not move it or change its CreationTime"
            ));
        }
        self.store_vswitch(v);
        Ok(())
    }

    /// Replays a gateway change: complete (times given), its VPC and vSwitch known, never moved.
    fn replay_put_gateway(&mut self, g: doc::VpnGateway) -> Result<(), String> {
        let id = g.vpn_gateway_id.clone();
        if id.is_empty() || !self.region_exists(&g.region_id) || !self.account_exists(&g.account_id)
        {
            return Err(format!(
                "VPN gateway {id:?}: empty ID, or unknown region or account"
            ));
        }
        if g.create_time.is_none() || g.end_time.is_none() || g.name.is_none() {
            return Err(format!(
                "VPN gateway {id}: Name, CreateTime and EndTime are required"
            ));
        }
        if !g.vpc_id.is_empty() && self.vpc(&g.account_id, &g.region_id, &g.vpc_id).is_none() {
            return Err(format!("VPN gateway {id}: no such VPC ({})", g.vpc_id));
        }
        if !g.vswitch_id.is_empty()
            && self
                .vswitches
                .get(&g.vswitch_id)
                .is_none_or(|v| v.vpc_id != g.vpc_id)
        {
            return Err(format!(
                "VPN gateway {id}: no such vSwitch in its VPC ({})",
                g.vswitch_id
            ));
        }
        if let Some(old) = self.gateways.get(&id)
            && (old.account_id != g.account_id
                || old.region_id != g.region_id
                || old.create_time != g.create_time)
        {
            return Err(format!(
                "VPN gateway {id}: a change may not move it or change its CreateTime"
            ));
        }
        self.gateways.insert(g);
        Ok(())
    }

    /// Replays a customer gateway change, checked like one of a file and never moved to another
    /// account or region.
    fn replay_put_customer_gateway(&mut self, c: doc::CustomerGateway) -> Result<(), String> {
        let id = c.customer_gateway_id.clone();
        if id.is_empty() || !self.region_exists(&c.region_id) || !self.account_exists(&c.account_id)
        {
            return Err(format!(
                "customer gateway {id:?}: empty ID, or unknown region or account"
            ));
        }
        if c.create_time.is_none() || c.name.is_none() {
            return Err(format!(
                "customer gateway {id}: Name and CreateTime are required"
            ));
        }
        if self
            .customer_gateways_in(&c.account_id, &c.region_id)
            .any(|other| other.customer_gateway_id != id && other.ip_address == c.ip_address)
        {
            return Err(format!(
                "customer gateway {id}: another customer gateway of its account and region has IpAddress {}",
                c.ip_address
            ));
        }
        if let Some(old) = self.customer_gateways.get(&id)
            && (old.account_id != c.account_id
                || old.region_id != c.region_id
                || old.create_time != c.create_time
                || old.ip_address != c.ip_address)
        {
            return Err(format!(
                "customer gateway {id}: a change may not move it or change its IpAddress or CreateTime"
            ));
        }
        self.customer_gateways.insert(c);
        Ok(())
    }

    /// Replays a connection change: complete, its two gateways in its account and region, its
    /// values as the API takes them, and never moved to other gateways.
    fn replay_put_connection(&mut self, c: doc::VpnConnection) -> Result<(), String> {
        let id = c.vpn_connection_id.clone();
        if id.is_empty() {
            return Err("an IPsec connection with an empty VpnConnectionId".into());
        }
        if c.create_time.is_none() || c.name.is_none() || c.ike_config.psk.is_none() {
            return Err(format!(
                "IPsec connection {id}: Name, CreateTime and IkeConfig.Psk are required"
            ));
        }
        if self
            .gateway_in(&c.account_id, &c.region_id, &c.vpn_gateway_id)
            .is_none()
        {
            return Err(format!(
                "IPsec connection {id}: no such VPN gateway in its account and region ({})",
                c.vpn_gateway_id
            ));
        }
        if self
            .customer_gateway(&c.account_id, &c.region_id, &c.customer_gateway_id)
            .is_none()
        {
            return Err(format!(
                "IPsec connection {id}: no such customer gateway in its account and region ({})",
                c.customer_gateway_id
            ));
        }
        if self.connections_of(&c.vpn_gateway_id).any(|other| {
            other.vpn_connection_id != id && other.customer_gateway_id == c.customer_gateway_id
        }) {
            return Err(format!(
                "IPsec connection {id}: its VPN gateway has another connection to customer gateway {}",
                c.customer_gateway_id
            ));
        }
        if let Some(old) = self.connections.get(&id)
            && (old.account_id != c.account_id
                || old.vpn_gateway_id != c.vpn_gateway_id
                || old.customer_gateway_id != c.customer_gateway_id
                || old.create_time != c.create_time)
        {
            return Err(format!(
                "IPsec connection {id}: a change may not move it to other gateways or change its CreateTime"
            ));
        }
        self.store_connection(c);
        Ok(())
    }

    /// Replays a route change: its gateway exists, its next hop is a connection of that gateway,
    /// its values are the API's; region and account come from the gateway.
    fn replay_put_route(&mut self, r: doc::VpnRouteEntry) -> Result<(), String> {
        let what = format!(
            "the route of VPN gateway {} to {} through {}",
            r.vpn_gateway_id, r.route_dest, r.next_hop
        );
        let Some(gateway) = self.gateway(&r.vpn_gateway_id) else {
            return Err(format!("{what}: no such VPN gateway"));
        };
        let (region, account) = (gateway.region_id.clone(), gateway.account_id.clone());
        if self
            .connection_by_id(&r.next_hop)
            .is_none_or(|c| c.vpn_gateway_id != r.vpn_gateway_id)
        {
            return Err(format!(
                "{what}: NextHop is no IPsec connection of the gateway"
            ));
        }
        if r.create_time.is_none() {
            return Err(format!("{what}: CreateTime is required"));
        }
        let mut r = r.with_key();
        if let Some(old) = self.routes.get(&r.key)
            && old.create_time != r.create_time
        {
            return Err(format!("{what}: a change may not change its CreateTime"));
        }
        r.region_id = region;
        r.account_id = account;
        self.store_route(r);
        Ok(())
    }
}
