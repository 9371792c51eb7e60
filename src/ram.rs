//! RAM authorization (SPEC section 5): a user's `Allow` action patterns and `Resources` list.
//! An account's own keys (and anonymous lenient callers) may do everything on its resources.

use crate::auth::{Identity, Principal};
use crate::error::{AccessDeniedDetail, ApiError};

/// `*` matches any run of characters; everything else matches itself, case-sensitively.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let Some((first, rest)) = pattern.split_once('*') else {
        return pattern == text;
    };
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let mut parts: Vec<&str> = rest.split('*').collect();
    let last = parts.pop().unwrap_or("");
    for part in parts {
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

fn denied(principal: &Principal, action: &str, user_name: &str) -> Box<AccessDeniedDetail> {
    Box::new(AccessDeniedDetail::implicit_deny(
        action,
        user_name,
        &principal.account_id,
    ))
}

/// May the caller call this action at all? `Forbidden` if no `Allow` pattern matches.
pub fn authorize_action(principal: &Principal, action: &str) -> Result<(), ApiError> {
    let Identity::User(user) = &principal.identity else {
        return Ok(());
    };
    let wanted = format!("vpc:{action}");
    if user.allow.iter().any(|p| glob_match(p, &wanted)) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(Some(denied(
            principal, action, &user.name,
        ))))
    }
}

/// May the caller act on this (existing) resource? `Forbbiden.SubUser` if it is not listed.
pub fn authorize_resource(
    principal: &Principal,
    action: &str,
    resource_id: &str,
) -> Result<(), ApiError> {
    let Identity::User(user) = &principal.identity else {
        return Ok(());
    };
    if user.resources.iter().any(|p| glob_match(p, resource_id)) {
        Ok(())
    } else {
        Err(ApiError::ForbiddenSubUser(Some(denied(
            principal, action, &user.name,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::UserGrant;

    #[test]
    fn globs() {
        assert!(glob_match("vpc:*", "vpc:ModifySslVpnClientCert"));
        assert!(glob_match("vpc:Describe*", "vpc:DescribeRegions"));
        assert!(!glob_match("vpc:Describe*", "vpc:ModifySslVpnClientCert"));
        assert!(!glob_match("vpc:describe*", "vpc:DescribeRegions"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXbYc"));
        assert!(!glob_match("a*b*c", "aXcYb"));
        assert!(glob_match("a*a", "aa"));
        assert!(!glob_match("a*a", "a"));
        assert!(glob_match(
            "vpc:ModifySslVpnClientCert",
            "vpc:ModifySslVpnClientCert"
        ));
    }

    #[test]
    fn users_are_checked_roots_are_not() {
        let user = Principal {
            account_id: "1".into(),
            identity: Identity::User(UserGrant {
                name: "ops".into(),
                allow: vec!["vpc:Modify*".into()],
                resources: vec!["vsc-1".into()],
            }),
        };
        assert!(authorize_action(&user, "ModifySslVpnClientCert").is_ok());
        let Err(ApiError::Forbidden(Some(detail))) =
            authorize_action(&user, "DeleteSslVpnClientCert")
        else {
            panic!("expected Forbidden with detail");
        };
        assert_eq!(detail.auth_action, "vpc:DeleteSslVpnClientCert");
        assert_eq!(detail.auth_principal_display_name, "ops");
        assert_eq!(detail.auth_principal_owner_id, "1");
        assert!(authorize_resource(&user, "ModifySslVpnClientCert", "vsc-1").is_ok());
        assert!(matches!(
            authorize_resource(&user, "ModifySslVpnClientCert", "vsc-2"),
            Err(ApiError::ForbiddenSubUser(Some(_)))
        ));
        let root = Principal {
            account_id: "1".into(),
            identity: Identity::Root,
        };
        assert!(authorize_action(&root, "Anything").is_ok());
    }
}
