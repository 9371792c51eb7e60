//! A client certificate as the world holds it, its status rule (SPEC 7.3), and its one
//! conversion to and from the state format.

use super::doc;

/// The latest time anything the emulator computes may reach: 9999-12-31T23:59:59Z, the last
/// second X.509 and the state format can carry (SPEC section 13).
pub const MAX_TIME_MS: i64 = 253_402_300_799_000;

/// The latest the emulator clock may read: a certificate created then (valid 1095 days) still
/// ends by [`MAX_TIME_MS`].
pub const MAX_NOW_MS: i64 = MAX_TIME_MS - CERT_VALIDITY_MS;

/// Certificates are valid for three years (1095 days) from creation.
pub const CERT_VALIDITY_MS: i64 = 1095 * 24 * 60 * 60 * 1000;

/// A certificate is `expiring-soon` within this much of its EndTime.
pub const EXPIRING_SOON_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// `Status` of a certificate at `now_ms` of the emulator clock (SPEC 7.3).
pub fn cert_status(end_time: i64, now_ms: i64) -> &'static str {
    if now_ms >= end_time {
        "expired"
    } else if end_time - now_ms <= EXPIRING_SOON_MS {
        "expiring-soon"
    } else {
        "normal"
    }
}

/// A client certificate as the emulator holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cert {
    pub id: String,
    pub region_id: String,
    pub account_id: String,
    pub server_id: String,
    pub name: String,
    /// Epoch milliseconds.
    pub create_time: i64,
    pub end_time: i64,
    pub client_cert: Option<String>,
    pub client_key: Option<String>,
}

impl Cert {
    /// The certificate in the state format.
    pub fn to_doc(&self) -> doc::SslVpnClientCert {
        doc::SslVpnClientCert {
            ssl_vpn_client_cert_id: self.id.clone(),
            region_id: self.region_id.clone(),
            account_id: self.account_id.clone(),
            ssl_vpn_server_id: self.server_id.clone(),
            name: Some(self.name.clone()),
            create_time: Some(self.create_time),
            end_time: Some(self.end_time),
            client_cert: self.client_cert.clone(),
            client_key: self.client_key.clone(),
        }
    }

    /// The certificate a state-format entry describes, with its checked times (the
    /// name defaults to the ID, as Create does).
    pub fn from_doc(c: doc::SslVpnClientCert, create_time: i64, end_time: i64) -> Cert {
        Cert {
            name: c.name.unwrap_or_else(|| c.ssl_vpn_client_cert_id.clone()),
            id: c.ssl_vpn_client_cert_id,
            region_id: c.region_id,
            account_id: c.account_id,
            server_id: c.ssl_vpn_server_id,
            create_time,
            end_time,
            client_cert: c.client_cert,
            client_key: c.client_key,
        }
    }
}
