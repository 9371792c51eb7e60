//! Operations on SSL-VPN client certificates (SPEC section 7), one file each.

pub mod create;
pub mod delete;
pub mod describe;
pub mod list;
pub mod modify;

use crate::actions::Call;
use crate::error::ApiError;

/// The input of the operations that name one certificate: `RegionId` and `SslVpnClientCertId`.
struct CertRef<'a> {
    region: &'a str,
    id: &'a str,
}

impl<'a> CertRef<'a> {
    fn parse(call: &'a Call) -> Result<Self, ApiError> {
        Ok(CertRef {
            region: call.region_id(),
            id: call.params.required("SslVpnClientCertId")?,
        })
    }
}
