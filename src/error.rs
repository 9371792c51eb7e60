//! The one error-code enum of the Alibaba surface (SPEC section 3.3).
//!
//! Every Alibaba error the emulator can answer is a variant here; each knows its code, HTTP status
//! and message, so no handler writes a code, a status or a message as a string literal. The
//! envelope (JSON or XML) is rendered by [`crate::protocol::render::error_response`].

use axum::http::StatusCode;
use serde::Serialize;

/// `AccessDeniedDetail` of the 403s that the RAM model answers (SPEC section 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessDeniedDetail {
    pub auth_action: String,
    pub auth_principal_type: String,
    pub auth_principal_display_name: String,
    pub auth_principal_owner_id: String,
    pub no_permission_type: String,
    pub policy_type: String,
}

impl AccessDeniedDetail {
    /// The detail for a RAM user that lacks `vpc:{action}`.
    pub fn implicit_deny(action: &str, user_name: &str, account_id: &str) -> Self {
        AccessDeniedDetail {
            auth_action: format!("vpc:{action}"),
            auth_principal_type: "SubUser".to_owned(),
            auth_principal_display_name: user_name.to_owned(),
            auth_principal_owner_id: account_id.to_owned(),
            no_permission_type: "ImplicitDeny".to_owned(),
            policy_type: "AccountLevelIdentityBasedPolicy".to_owned(),
        }
    }
}

/// An error answered to an API caller, in the catalogue of SPEC section 3.3.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 400: a gateway-level parameter (`Action`, `Version`) is absent.
    #[error("MissingParameter")]
    MissingParameter(String),
    /// 400 `Missing{P}`: a parameter the action declares required is absent or empty.
    #[error("Missing{0}")]
    MissingActionParameter(String),
    /// 400: a parameter's value is malformed, out of range or given twice.
    #[error("InvalidParameter")]
    InvalidParameter(String),
    /// 400: `Version` is not `2016-04-28`.
    #[error("InvalidVersion")]
    InvalidVersion,
    /// 404: an action the emulator does not implement, or a path other than `/`.
    #[error("InvalidAction.NotFound")]
    InvalidActionNotFound,
    /// 403: a method other than GET or POST.
    #[error("UnsupportedHTTPMethod")]
    UnsupportedHttpMethod,
    /// 400: credentials without a signature, or a signature we cannot read.
    #[error("IncompleteSignature")]
    IncompleteSignature,
    /// 400: the signature differs from the one computed here; carries our string to sign, which
    /// the legacy Python SDK compares with its own.
    #[error("SignatureDoesNotMatch")]
    SignatureDoesNotMatch { string_to_sign: String },
    /// 404: strict mode, an AccessKeyId the state does not know.
    #[error("InvalidAccessKeyId.NotFound")]
    InvalidAccessKeyIdNotFound,
    /// 400: the AccessKeyId is known but `Inactive`.
    #[error("InvalidAccessKeyId.Inactive")]
    InvalidAccessKeyIdInactive,
    /// 400: strict mode, the timestamp is more than 15 minutes from real time.
    #[error("InvalidTimeStamp.Expired")]
    InvalidTimeStampExpired,
    /// 400: strict mode, the timestamp is absent or not ISO 8601 UTC.
    #[error("InvalidTimeStamp.Format")]
    InvalidTimeStampFormat,
    /// 400: strict mode, the nonce was used by the same key in the last 15 minutes.
    #[error("SignatureNonceUsed")]
    SignatureNonceUsed,
    /// 400: `Name` breaks the configured name rule.
    #[error("InvalidName")]
    InvalidName,
    /// 400: `ClientToken` is empty, longer than 64 or not printable ASCII.
    #[error("InvalidClientToken.Malformed")]
    InvalidClientTokenMalformed,
    /// 400: a ClientToken reused with other parameters.
    #[error("IdempotentParameterMismatch")]
    IdempotentParameterMismatch,
    /// 403: the caller may not call this action; the detail is absent for injected faults.
    #[error("Forbidden")]
    Forbidden(Option<Box<AccessDeniedDetail>>),
    /// 403 (sic, two b's): the caller may call the action but not on this resource.
    #[error("Forbbiden.SubUser")]
    ForbiddenSubUser(Option<Box<AccessDeniedDetail>>),
    /// 404: `RegionId` is not a region of the state.
    #[error("InvalidRegionId.NotFound")]
    InvalidRegionIdNotFound,
    /// 404: no such certificate in the caller's account and region.
    #[error("InvalidSslVpnClientCertId.NotFound")]
    InvalidSslVpnClientCertIdNotFound,
    /// 404: no such SSL-VPN server in the caller's account and region.
    #[error("InvalidSslVpnServerId.NotFound")]
    InvalidSslVpnServerIdNotFound,
    /// 400: the server's VPN gateway is `updating`.
    #[error("VpnGateway.Configuring")]
    VpnGatewayConfiguring,
    /// 400: the SSL-VPN server already has 50 certificates.
    #[error("CreateSslCertsQuotaFull.QuotaFull")]
    CreateSslCertsQuotaFull,
    /// 400: only ever injected (SPEC section 8).
    #[error("Throttling")]
    Throttling,
    /// 500: a handler panicked or failed unexpectedly; the cause is logged, never answered.
    #[error("InternalError")]
    InternalError,
    /// 503: only ever injected (SPEC section 8).
    #[error("ServiceUnavailable")]
    ServiceUnavailable,
    /// 413: the body is larger than `--max-body-bytes` (emulator-specific).
    #[error("RequestEntityTooLarge")]
    RequestEntityTooLarge { limit: usize },
    /// An error outside the catalogue, injected through the admin API with its own status and
    /// message.
    #[error("{code}")]
    Custom {
        code: String,
        status: u16,
        message: String,
    },
}

impl ApiError {
    /// The Alibaba error code, e.g. `InvalidSslVpnClientCertId.NotFound`.
    pub fn code(&self) -> String {
        self.to_string()
    }

    /// The HTTP status this code is answered with.
    pub fn status(&self) -> StatusCode {
        use ApiError::*;
        match self {
            MissingParameter(_)
            | MissingActionParameter(_)
            | InvalidParameter(_)
            | InvalidVersion
            | IncompleteSignature
            | SignatureDoesNotMatch { .. }
            | InvalidAccessKeyIdInactive
            | InvalidTimeStampExpired
            | InvalidTimeStampFormat
            | SignatureNonceUsed
            | InvalidName
            | InvalidClientTokenMalformed
            | IdempotentParameterMismatch
            | VpnGatewayConfiguring
            | CreateSslCertsQuotaFull
            | Throttling => StatusCode::BAD_REQUEST,
            UnsupportedHttpMethod | Forbidden(_) | ForbiddenSubUser(_) => StatusCode::FORBIDDEN,
            InvalidActionNotFound
            | InvalidAccessKeyIdNotFound
            | InvalidRegionIdNotFound
            | InvalidSslVpnClientCertIdNotFound
            | InvalidSslVpnServerIdNotFound => StatusCode::NOT_FOUND,
            InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            RequestEntityTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Custom { status, .. } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST)
            }
        }
    }

    /// The exact message of the catalogue.
    pub fn message(&self) -> String {
        use ApiError::*;
        match self {
            MissingParameter(p) => format!(
                "The input parameter \"{p}\" that is mandatory for processing this request is not supplied."
            ),
            MissingActionParameter(p) => format!("{p} is mandatory for this action."),
            InvalidParameter(p) => format!("The specified parameter \"{p}\" is not valid."),
            InvalidVersion => "Specified parameter Version is not valid.".into(),
            InvalidActionNotFound => {
                "Specified api is not found, please check your url and method.".into()
            }
            UnsupportedHttpMethod => "This http method not supported.".into(),
            IncompleteSignature => {
                "The request signature does not conform to Aliyun standards.".into()
            }
            SignatureDoesNotMatch { string_to_sign } => format!(
                "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
            ),
            InvalidAccessKeyIdNotFound => "Specified access key is not found.".into(),
            InvalidAccessKeyIdInactive => "Specified access key is disabled.".into(),
            InvalidTimeStampExpired => "Specified time stamp or date value is expired.".into(),
            InvalidTimeStampFormat => {
                "Specified time stamp or date value is not well formatted.".into()
            }
            SignatureNonceUsed => "Specified signature nonce was used already.".into(),
            InvalidName => "The name is not valid".into(),
            InvalidClientTokenMalformed => {
                "The specified parameter \"ClientToken\" is not valid.".into()
            }
            IdempotentParameterMismatch => "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.".into(),
            Forbidden(_) => "User not authorized to operate on the specified resource.".into(),
            ForbiddenSubUser(_) => "User not authorized to operate on the specified resource as your account is created by another user.".into(),
            InvalidRegionIdNotFound => {
                "The specified region is not found during access authentication.".into()
            }
            InvalidSslVpnClientCertIdNotFound => {
                "The specified SSL VPN client cert id does not exist.".into()
            }
            InvalidSslVpnServerIdNotFound => {
                "The specified SSL VPN server id does not exist.".into()
            }
            VpnGatewayConfiguring => "The specified service is configuring.".into(),
            CreateSslCertsQuotaFull => {
                "Create the number of SSL certificates that exceed the quota limit.".into()
            }
            Throttling => "Request was denied due to request throttling.".into(),
            InternalError => "The request processing has failed due to some unknown error, exception or failure.".into(),
            ServiceUnavailable => {
                "The request has failed due to a temporary failure of the server.".into()
            }
            RequestEntityTooLarge { limit } => {
                format!("The request body is larger than {limit} bytes.")
            }
            Custom { message, .. } => message.clone(),
        }
    }

    /// The `AccessDeniedDetail` to add to the envelope, if any.
    pub fn access_denied_detail(&self) -> Option<&AccessDeniedDetail> {
        match self {
            ApiError::Forbidden(Some(d)) | ApiError::ForbiddenSubUser(Some(d)) => Some(d),
            _ => None,
        }
    }

    /// The catalogue error for a code, as the admin API's fault rules name it. `param` fills
    /// `{P}` of the codes that name a parameter. `None` for a code outside the catalogue.
    pub fn from_catalogue(code: &str, param: &str, max_body_bytes: usize) -> Option<ApiError> {
        use ApiError::*;
        let p = param.to_owned();
        Some(match code {
            "MissingParameter" => MissingParameter(p),
            "InvalidParameter" => InvalidParameter(p),
            "InvalidVersion" => InvalidVersion,
            "InvalidAction.NotFound" => InvalidActionNotFound,
            "UnsupportedHTTPMethod" => UnsupportedHttpMethod,
            "IncompleteSignature" => IncompleteSignature,
            "SignatureDoesNotMatch" => SignatureDoesNotMatch {
                string_to_sign: String::new(),
            },
            "InvalidAccessKeyId.NotFound" => InvalidAccessKeyIdNotFound,
            "InvalidAccessKeyId.Inactive" => InvalidAccessKeyIdInactive,
            "InvalidTimeStamp.Expired" => InvalidTimeStampExpired,
            "InvalidTimeStamp.Format" => InvalidTimeStampFormat,
            "SignatureNonceUsed" => SignatureNonceUsed,
            "InvalidName" => InvalidName,
            "InvalidClientToken.Malformed" => InvalidClientTokenMalformed,
            "IdempotentParameterMismatch" => IdempotentParameterMismatch,
            "Forbidden" => Forbidden(None),
            "Forbbiden.SubUser" => ForbiddenSubUser(None),
            "InvalidRegionId.NotFound" => InvalidRegionIdNotFound,
            "InvalidSslVpnClientCertId.NotFound" => InvalidSslVpnClientCertIdNotFound,
            "InvalidSslVpnServerId.NotFound" => InvalidSslVpnServerIdNotFound,
            "VpnGateway.Configuring" => VpnGatewayConfiguring,
            "CreateSslCertsQuotaFull.QuotaFull" => CreateSslCertsQuotaFull,
            "Throttling" => Throttling,
            "InternalError" => InternalError,
            "ServiceUnavailable" => ServiceUnavailable,
            "RequestEntityTooLarge" => RequestEntityTooLarge {
                limit: max_body_bytes,
            },
            other => {
                let name = other.strip_prefix("Missing")?;
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return None;
                }
                MissingActionParameter(name.to_owned())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_statuses_and_messages_follow_the_catalogue() {
        let e = ApiError::MissingActionParameter("RegionId".into());
        assert_eq!(e.code(), "MissingRegionId");
        assert_eq!(e.message(), "RegionId is mandatory for this action.");
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);

        let e = ApiError::ForbiddenSubUser(None);
        assert_eq!(e.code(), "Forbbiden.SubUser");
        assert_eq!(e.status(), StatusCode::FORBIDDEN);

        assert_eq!(ApiError::InvalidName.message(), "The name is not valid");
        assert_eq!(
            ApiError::MissingParameter("Action".into()).message(),
            "The input parameter \"Action\" that is mandatory for processing this request is not supplied."
        );
        assert_eq!(
            ApiError::InvalidAccessKeyIdNotFound.status(),
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn catalogue_lookup_knows_every_code_and_missing_p() {
        for code in [
            "MissingParameter",
            "InvalidParameter",
            "Forbbiden.SubUser",
            "ServiceUnavailable",
            "InvalidSslVpnServerId.NotFound",
        ] {
            let e = ApiError::from_catalogue(code, "Name", 10).expect(code);
            assert_eq!(e.code(), code);
        }
        assert_eq!(
            ApiError::from_catalogue("MissingRegionId", "", 10),
            Some(ApiError::MissingActionParameter("RegionId".into()))
        );
        assert_eq!(ApiError::from_catalogue("Nope.Code", "", 10), None);
        assert_eq!(ApiError::from_catalogue("Missing", "", 10), None);
    }
}
