//! The changes the write-ahead log of [`crate::persist`] records, and their replay, checked
//! as the API would have made them.

use serde::{Deserialize, Serialize};

use super::{Cert, MAX_TIME_MS, World, doc, load::cert_times};
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
    Token(TokenDoc),
    /// A strict-mode nonce (not part of the world: [`crate::auth::NonceCache`] takes it).
    Nonce(NonceDoc),
}

impl World {
    /// The changes made since the last call.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    /// Replays a change from the write-ahead log, checked as the API would have made it: a
    /// change that does not fit the state it follows is an error, and nothing of it is applied.
    /// `real_now_ms` (real time) drops a ClientToken record that has expired.
    pub fn apply(&mut self, change: Change, real_now_ms: i64) -> Result<(), String> {
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
}
