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

/// Declares [`ApiError`] from one table: each row is a variant with its fields, then its code,
/// HTTP status and message, each written once. The expressions may use the row's fields.
macro_rules! catalogue {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $(($field:ident: $ty:ty))? $({ $($name:ident: $nty:ty),* })?
            => $code:expr, $status:expr, $message:expr;
    )*) => {
        /// An error answered to an API caller, in the catalogue of SPEC section 3.3.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum ApiError {
            $( $(#[doc = $doc])* $variant $(($ty))? $({ $($name: $nty),* })?, )*
        }

        /// The names of every variant, for the test that renders each.
        #[cfg(test)]
        const VARIANTS: &[&str] = &[$(stringify!($variant)),*];

        impl ApiError {
            /// The Alibaba error code, e.g. `InvalidSslVpnClientCertId.NotFound`.
            #[allow(unused_variables)]
            pub fn code(&self) -> String {
                match self {
                    $( ApiError::$variant $(($field))? $({ $($name),* })? => String::from($code), )*
                }
            }

            /// The HTTP status this code is answered with.
            #[allow(unused_variables)]
            pub fn status(&self) -> StatusCode {
                match self {
                    $( ApiError::$variant $(($field))? $({ $($name),* })? => $status, )*
                }
            }

            /// The exact message of the catalogue.
            #[allow(unused_variables)]
            pub fn message(&self) -> String {
                match self {
                    $( ApiError::$variant $(($field))? $({ $($name),* })? => String::from($message), )*
                }
            }
        }
    };
}

use StatusCode as S;

catalogue! {
    /// A gateway-level parameter (`Action`, `Version`) is absent.
    MissingParameter(p: String) => "MissingParameter", S::BAD_REQUEST,
        format!("The input parameter \"{p}\" that is mandatory for processing this request is not supplied.");
    /// `Missing{P}`: a parameter the action declares required is absent or empty.
    MissingActionParameter(p: String) => format!("Missing{p}"), S::BAD_REQUEST,
        format!("{p} is mandatory for this action.");
    /// A parameter's value is malformed, out of range or given twice.
    InvalidParameter(p: String) => "InvalidParameter", S::BAD_REQUEST,
        format!("The specified parameter \"{p}\" is not valid.");
    /// `Version` is not `2016-04-28`.
    InvalidVersion => "InvalidVersion", S::BAD_REQUEST, "Specified parameter Version is not valid.";
    /// An action the emulator does not implement, or a path other than `/`.
    InvalidActionNotFound => "InvalidAction.NotFound", S::NOT_FOUND,
        "Specified api is not found, please check your url and method.";
    /// An action of the API's metadata that the emulator does not implement (SPEC 14);
    /// `product` is the name and version, e.g. `VPC 2016-04-28`.
    NotImplemented { product: &'static str, action: String } => "NotImplemented", S::NOT_IMPLEMENTED,
        format!("The action {action} of {product} is not emulated by aliyun-vpc-emulator {}; the emulated actions are listed at GET /_emulator/coverage.", env!("CARGO_PKG_VERSION"));
    /// A method other than GET or POST.
    UnsupportedHttpMethod => "UnsupportedHTTPMethod", S::FORBIDDEN, "This http method not supported.";
    /// Credentials without a signature, or a signature we cannot read.
    IncompleteSignature => "IncompleteSignature", S::BAD_REQUEST,
        "The request signature does not conform to Aliyun standards.";
    /// The signature differs from the one computed here; carries our string to sign, which the
    /// legacy SDKs compare with their own.
    SignatureDoesNotMatch { string_to_sign: String } => "SignatureDoesNotMatch", S::BAD_REQUEST,
        format!("Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}");
    /// Strict mode, an AccessKeyId the state does not know.
    InvalidAccessKeyIdNotFound => "InvalidAccessKeyId.NotFound", S::NOT_FOUND, "Specified access key is not found.";
    /// The AccessKeyId is known but `Inactive`.
    InvalidAccessKeyIdInactive => "InvalidAccessKeyId.Inactive", S::BAD_REQUEST, "Specified access key is disabled.";
    /// Strict mode, the timestamp is more than 15 minutes from real time.
    InvalidTimeStampExpired => "InvalidTimeStamp.Expired", S::BAD_REQUEST,
        "Specified time stamp or date value is expired.";
    /// Strict mode, the timestamp is absent or not ISO 8601 UTC.
    InvalidTimeStampFormat => "InvalidTimeStamp.Format", S::BAD_REQUEST,
        "Specified time stamp or date value is not well formatted.";
    /// Strict mode, the nonce was used by the same key in the last 15 minutes.
    SignatureNonceUsed => "SignatureNonceUsed", S::BAD_REQUEST, "Specified signature nonce was used already.";
    /// `Name` breaks the configured name rule (no final period, as on the real service).
    InvalidName => "InvalidName", S::BAD_REQUEST, "The name is not valid";
    /// `ClientToken` is empty, longer than 64 or not printable ASCII.
    InvalidClientTokenMalformed => "InvalidClientToken.Malformed", S::BAD_REQUEST,
        "The specified parameter \"ClientToken\" is not valid.";
    /// A ClientToken reused with other parameters.
    IdempotentParameterMismatch => "IdempotentParameterMismatch", S::BAD_REQUEST,
        "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.";
    /// The caller may not call this action; the detail is absent for injected faults.
    Forbidden(detail: Option<Box<AccessDeniedDetail>>) => "Forbidden", S::FORBIDDEN,
        "User not authorized to operate on the specified resource.";
    /// (Sic, two b's) the caller may call the action but not on this resource.
    ForbiddenSubUser(detail: Option<Box<AccessDeniedDetail>>) => "Forbbiden.SubUser", S::FORBIDDEN,
        "User not authorized to operate on the specified resource as your account is created by another user.";
    /// `RegionId` is not a region of the state.
    InvalidRegionIdNotFound => "InvalidRegionId.NotFound", S::NOT_FOUND,
        "The specified region is not found during access authentication.";
    /// No such certificate in the caller's account and region.
    InvalidSslVpnClientCertIdNotFound => "InvalidSslVpnClientCertId.NotFound", S::NOT_FOUND,
        "The specified SSL VPN client cert id does not exist.";
    /// No such SSL-VPN server in the caller's account and region.
    InvalidSslVpnServerIdNotFound => "InvalidSslVpnServerId.NotFound", S::NOT_FOUND,
        "The specified SSL VPN server id does not exist.";
    /// No such VPN gateway in the caller's account and region.
    InvalidVpnGatewayInstanceIdNotFound => "InvalidVpnGatewayInstanceId.NotFound", S::NOT_FOUND,
        "The specified vpn gateway instance id does not exist.";
    /// The server's VPN gateway is `updating`.
    VpnGatewayConfiguring => "VpnGateway.Configuring", S::BAD_REQUEST, "The specified service is configuring.";
    /// CreateSslVpnServer on a gateway whose `SslVpn` is `disable`.
    VpnGatewaySslVpnDisabled => "VpnGateway.SslVpnDisabled", S::BAD_REQUEST,
        "The VPN gateway has not enabled SSL VPN.";
    /// CreateSslVpnServer on a gateway that has a server already (one per gateway).
    ResourceQuotaFull => "Resource.QuotaFull", S::BAD_REQUEST, "The quota of resource is full";
    /// A VPN gateway's `Description` breaks the 1-100 character rule.
    InvalidDescription => "InvalidDescription", S::BAD_REQUEST, "The description is not valid";
    /// A VPC's or vSwitch's `CidrBlock` is not a network address with an allowed mask.
    InvalidCidrBlockMalformed => "InvalidCidrBlock.Malformed", S::BAD_REQUEST, "Specified CIDR block is not valid.";
    /// A vSwitch's block is not inside its VPC's (`InvalidParameter` with its own message).
    InvalidParameterCidrNotInVpc => "InvalidParameter", S::BAD_REQUEST, "Specified CIDR block is not valid in VPC.";
    /// A vSwitch's block overlaps another vSwitch of the VPC.
    InvalidCidrBlockOverlapped => "InvalidCidrBlock.Overlapped", S::BAD_REQUEST,
        "Specified CIDR block overlapped with other subnets.";
    /// No such VPC in the caller's account and region.
    InvalidVpcIdNotFound => "InvalidVpcId.NotFound", S::NOT_FOUND, "Specified VPC does not exist.";
    /// No such vSwitch in the caller's account and region (or in the VPC named).
    InvalidVSwitchIdNotFound => "InvalidVSwitchId.NotFound", S::NOT_FOUND, "VSwitch not exist.";
    /// `ZoneId` is not a zone of the region.
    InvalidZoneIdNotFound => "InvalidZoneId.NotFound", S::NOT_FOUND, "Specified zone does not exist.";
    /// `VpcName` breaks the 1-128 character rule.
    InvalidVpcNameMalformed => "InvalidVpcName.Malformed", S::BAD_REQUEST, "Specified VPC name is not valid.";
    /// A VPC's `Description` breaks the 1-256 character rule (sic, "Discription").
    InvalidVpcDiscriptionMalformed => "InvalidVpcDiscription.Malformed", S::BAD_REQUEST,
        "Specified VPC description is not valid.";
    /// `VSwitchName` breaks the 1-128 character rule.
    InvalidVSwitchNameMalformed => "InvalidVSwitchName.Malformed", S::BAD_REQUEST,
        "Specified virtual switch name is not valid.";
    /// A vSwitch's `Description` breaks the 1-256 character rule (sic).
    InvalidVSwitchDiscriptionMalformed => "InvalidVSwitchDiscription.Malformed", S::BAD_REQUEST,
        "Specified virtual switch description is not valid.";
    /// A VPC that still has vSwitches.
    DependencyViolationVSwitch => "DependencyViolation.VSwitch", S::BAD_REQUEST,
        "Specified object has dependent resources.";
    /// A VPC that still has a VPN gateway (and no vSwitch).
    DependencyViolationInstance => "DependencyViolation.Instance", S::BAD_REQUEST,
        "Specified object has dependent resources.";
    /// A vSwitch that a VPN gateway uses.
    DependencyViolation => "DependencyViolation", S::BAD_REQUEST, "Specified object has dependent resources.";
    /// DeleteVpnGateway of a subscription gateway.
    ForbiddenRelease => "ForbiddenRelease", S::FORBIDDEN,
        "Forbidden to release a prepaid instance within validity period";
    /// The SSL-VPN server already has 50 certificates.
    CreateSslCertsQuotaFull => "CreateSslCertsQuotaFull.QuotaFull", S::BAD_REQUEST,
        "Create the number of SSL certificates that exceed the quota limit.";
    /// No such customer gateway in the caller's account and region (SPEC 14).
    InvalidCustomerGatewayInstanceIdNotFound => "InvalidCustomerGatewayInstanceId.NotFound", S::NOT_FOUND,
        "The specified customer gateway instance id does not exist.";
    /// No such IPsec connection in the caller's account and region (or, as a route's next hop,
    /// on the route's gateway).
    InvalidVpnConnectionInstanceIdNotFound => "InvalidVpnConnectionInstanceId.NotFound", S::NOT_FOUND,
        "The specified vpn connection instance id does not exist.";
    /// A customer gateway with this address exists already in the account and region.
    InvalidIpAddressAlreadyExist => "InvalidIpAddress.AlreadyExist", S::BAD_REQUEST,
        "Specified IpAddress is already exist.";
    /// A customer gateway's `IpAddress` is not an IPv4 address.
    InvalidIpAddressWrongFormat => "InvalidIpAddress.WrongFormat", S::BAD_REQUEST,
        "Specified IpAddress is invalid.";
    /// The VPN gateway has a connection to this customer gateway already.
    InvalidVpnConnectionAlreadyExists => "InvalidVpnConnection.AlreadyExists", S::BAD_REQUEST,
        "Vpn connection already exists.";
    /// Only ever injected: the emulator has no overdue accounts.
    VpnGatewayFinancialLocked => "VpnGateway.FinancialLocked", S::BAD_REQUEST,
        "The specified service is financial locked.";
    /// A connection's `LocalSubnet`, naming the offending block.
    IllegalParamLocalSubnet(value: String) => "IllegalParam.LocalSubnet", S::BAD_REQUEST,
        format!("The specified \"LocalSubnet\" ({value}) is invalid.");
    /// A connection's `RemoteSubnet`, naming the offending block.
    IllegalParamRemoteSubnet(value: String) => "IllegalParam.RemoteSubnet", S::BAD_REQUEST,
        format!("The specified \"RemoteSubnet\" ({value}) is invalid.");
    /// DeleteVpnGateway of a gateway with IPsec connections, and DeleteCustomerGateway of one
    /// that connections use (sic, the message names the customer gateway).
    DependencyViolationVpnConnection => "DependencyViolation.VpnConnection", S::BAD_REQUEST,
        "There are vpn connections on specified customer gateway not deleted.";
    /// DeleteVpnGateway of a gateway with an SSL-VPN server.
    DependencyViolationSslVpnServer => "DependencyViolation.SslVpnServer", S::BAD_REQUEST,
        "There is SSL VPN server on specified vpn gateway not deleted.";
    /// No destination route of the gateway to that destination through that next hop (with
    /// that weight, where the call names one).
    InvalidRouteEntryNotFound => "InvalidRouteEntry.NotFound", S::BAD_REQUEST, "Route entry not exists.";
    /// CreateVpnConnection on a gateway whose `IpsecVpn` is `disable` (emulator choice).
    VpnGatewayIpsecVpnDisabled => "VpnGateway.IpsecVpnDisabled", S::BAD_REQUEST,
        "The VPN gateway has not enabled IPsec VPN.";
    /// CreateVpnRouteEntry of a route the gateway has already (emulator choice).
    VpnRouteEntryAlreadyExists => "VpnRouteEntry.AlreadyExists", S::BAD_REQUEST,
        "The specified route entry already exists.";
    /// Only ever injected (SPEC section 8).
    Throttling => "Throttling", S::BAD_REQUEST, "Request was denied due to request throttling.";
    /// A handler panicked or failed unexpectedly; the cause is logged, never answered.
    InternalError => "InternalError", S::INTERNAL_SERVER_ERROR,
        "The request processing has failed due to some unknown error, exception or failure.";
    /// Only ever injected (SPEC section 8).
    ServiceUnavailable => "ServiceUnavailable", S::SERVICE_UNAVAILABLE,
        "The request has failed due to a temporary failure of the server.";
    /// The body is larger than `--max-body-bytes` (emulator-specific).
    RequestEntityTooLarge { limit: usize } => "RequestEntityTooLarge", S::PAYLOAD_TOO_LARGE,
        format!("The request body is larger than {limit} bytes.");
    /// An error outside the catalogue, injected through the admin API with its own status and
    /// message.
    Custom { code: String, status: u16, message: String } => code.clone(),
        S::from_u16(*status).unwrap_or(S::BAD_REQUEST), message.clone();
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code())
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// The `AccessDeniedDetail` to add to the envelope, if any.
    pub fn access_denied_detail(&self) -> Option<&AccessDeniedDetail> {
        match self {
            ApiError::Forbidden(Some(d)) | ApiError::ForbiddenSubUser(Some(d)) => Some(d),
            _ => None,
        }
    }

    /// One of each variant (but `Custom`), with `param` as every `{P}` and `limit` as the body
    /// limit: what a fault rule can name by code.
    pub(crate) fn each(param: &str, limit: usize) -> Vec<ApiError> {
        use ApiError::*;
        let p = || param.to_owned();
        vec![
            MissingParameter(p()),
            MissingActionParameter(p()),
            InvalidParameter(p()),
            InvalidVersion,
            InvalidActionNotFound,
            NotImplemented {
                product: "VPC 2016-04-28",
                action: p(),
            },
            UnsupportedHttpMethod,
            IncompleteSignature,
            SignatureDoesNotMatch {
                string_to_sign: String::new(),
            },
            InvalidAccessKeyIdNotFound,
            InvalidAccessKeyIdInactive,
            InvalidTimeStampExpired,
            InvalidTimeStampFormat,
            SignatureNonceUsed,
            InvalidName,
            InvalidClientTokenMalformed,
            IdempotentParameterMismatch,
            Forbidden(None),
            ForbiddenSubUser(None),
            InvalidRegionIdNotFound,
            InvalidSslVpnClientCertIdNotFound,
            InvalidSslVpnServerIdNotFound,
            InvalidVpnGatewayInstanceIdNotFound,
            VpnGatewayConfiguring,
            VpnGatewaySslVpnDisabled,
            ResourceQuotaFull,
            InvalidDescription,
            InvalidCidrBlockMalformed,
            InvalidParameterCidrNotInVpc,
            InvalidCidrBlockOverlapped,
            InvalidVpcIdNotFound,
            InvalidVSwitchIdNotFound,
            InvalidZoneIdNotFound,
            InvalidVpcNameMalformed,
            InvalidVpcDiscriptionMalformed,
            InvalidVSwitchNameMalformed,
            InvalidVSwitchDiscriptionMalformed,
            DependencyViolationVSwitch,
            DependencyViolationInstance,
            DependencyViolation,
            ForbiddenRelease,
            CreateSslCertsQuotaFull,
            InvalidCustomerGatewayInstanceIdNotFound,
            InvalidVpnConnectionInstanceIdNotFound,
            InvalidIpAddressAlreadyExist,
            InvalidIpAddressWrongFormat,
            InvalidVpnConnectionAlreadyExists,
            VpnGatewayFinancialLocked,
            IllegalParamLocalSubnet(p()),
            IllegalParamRemoteSubnet(p()),
            DependencyViolationVpnConnection,
            DependencyViolationSslVpnServer,
            InvalidRouteEntryNotFound,
            VpnGatewayIpsecVpnDisabled,
            VpnRouteEntryAlreadyExists,
            Throttling,
            InternalError,
            ServiceUnavailable,
            RequestEntityTooLarge { limit },
        ]
    }

    /// The catalogue error for a code, as the admin API's fault rules name it. `param` fills
    /// `{P}` of the codes that name a parameter; `Missing{P}` takes its parameter from the
    /// code. `None` for a code outside the catalogue.
    pub fn from_catalogue(code: &str, param: &str, max_body_bytes: usize) -> Option<ApiError> {
        if let Some(name) = code.strip_prefix("Missing").filter(|n| *n != "Parameter") {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                return None;
            }
            return Some(ApiError::MissingActionParameter(name.to_owned()));
        }
        ApiError::each(param, max_body_bytes)
            .into_iter()
            .filter(|e| !matches!(e, ApiError::MissingActionParameter(_)))
            .find(|e| e.code() == code)
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

    /// Every variant of the table renders a code, a status of 400-599 and a message, and the
    /// lookup by code gives it back.
    #[test]
    fn every_variant_renders() {
        let each = ApiError::each("Name", 10);
        let mut named: Vec<String> = each
            .iter()
            .map(|e| {
                format!("{e:?}")
                    .split(['(', ' ', '{'])
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        named.push("Custom".into());
        assert_eq!(
            named, VARIANTS,
            "ApiError::each lists every variant, in the table's order"
        );
        let custom = ApiError::Custom {
            code: "My.Code".into(),
            status: 418,
            message: "m".into(),
        };
        for e in each.iter().chain([&custom]) {
            assert!(!e.code().is_empty() && !e.message().is_empty(), "{e:?}");
            assert!((400..600).contains(&e.status().as_u16()), "{e:?}");
            // A fault rule naming `InvalidParameter` gets the generic message.
            if !matches!(
                e,
                ApiError::Custom { .. } | ApiError::InvalidParameterCidrNotInVpc
            ) {
                assert_eq!(
                    ApiError::from_catalogue(&e.code(), "Name", 10).as_ref(),
                    Some(e)
                );
            }
        }
        assert_eq!(custom.status().as_u16(), 418);
        assert_eq!(custom.code(), "My.Code");
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
