//! Who may call the admin API (SPEC section 14): not another website. A browser lets any page
//! send a `no-cors` POST with a `text/plain` body to any address, and a page whose host name
//! is made to resolve to 127.0.0.1 (DNS rebinding) reads same-origin answers; neither needs the
//! user to do anything but open the page. So, before the admin token is even looked at:
//! - `Host` must be one of the emulator's own names: a loopback name (`localhost`,
//!   `*.localhost`) or address (127.0.0.0/8, `::1`), the `--host` address (with a wildcard
//!   `--host` such as `0.0.0.0`, any IP address: a rebinding page always sends a name), or a
//!   `--tls-name`; else 403. A request without `Host` (HTTP/1.0 tools; never a browser) passes.
//! - `Origin`, when sent, must be the emulator's own (`http` or `https`, the `Host` the request
//!   was sent to); `null` and every other origin are 403.
//! - A request that may change state (any method but `GET`, `HEAD` and `OPTIONS`) with a body
//!   or a `Content-Type` must declare `application/json`; else 415. A browser cannot send that
//!   type to another origin without asking first (CORS preflight), which the emulator never
//!   grants.

use std::net::IpAddr;

use axum::http::{HeaderMap, Method, StatusCode, Uri, header};

use crate::config::Config;

/// Why a request was turned away: its status and the `{"error"}` text.
pub type Refusal = (StatusCode, String);

/// The host part of a `Host` value or an authority (`name:port`, `[v6]:port`), lowercased,
/// without a trailing dot.
fn host_of(authority: &str) -> String {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => authority,
        }
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// `--host` as an address, if it is one.
fn bind_address(config: &Config) -> Option<IpAddr> {
    config
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// Whether `host` (from [`host_of`]) names this emulator.
fn own_host(config: &Config, host: &str) -> bool {
    if let Ok(ip) = host.parse::<IpAddr>() {
        let loopback = match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
        };
        return loopback
            || bind_address(config).is_some_and(|bind| bind == ip || bind.is_unspecified())
            || config
                .tls_names
                .iter()
                .any(|name| name.parse::<IpAddr>().is_ok_and(|n| n == ip));
    }
    host == "localhost"
        || host.ends_with(".localhost")
        || host_of(&config.host) == host
        || config.tls_names.iter().any(|name| host_of(name) == host)
}

/// An authority without the default port of `scheme`, lowercased, for comparing origins.
fn normalized(scheme: &str, authority: &str) -> String {
    let authority = authority.to_ascii_lowercase();
    let default = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => "",
    };
    match authority.strip_suffix(default) {
        Some(bare) if !default.is_empty() => bare.to_owned(),
        _ => authority,
    }
}

/// Whether `Content-Type` is `application/json` (parameters such as `charset` allowed).
fn is_json(value: &str) -> bool {
    value
        .split(';')
        .next()
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether the request carries a body (or says it does).
fn has_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.to_str().map_or(true, |v| v.trim() != "0"))
}

/// `Err` with the answer for a request that another website could have sent.
pub fn check(
    config: &Config,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(), Refusal> {
    let forbidden = |message: String| Err((StatusCode::FORBIDDEN, message));
    let host_header = match headers.get(header::HOST).map(|v| v.to_str()) {
        Some(Ok(value)) => Some(value.trim()),
        Some(Err(_)) => return forbidden("the Host header is not text".into()),
        None => None,
    };
    for authority in host_header
        .into_iter()
        .chain(uri.authority().map(|a| a.as_str()))
    {
        if !own_host(config, &host_of(authority)) {
            return forbidden(format!(
                "Host {authority} is not a name of this emulator: the admin API answers only loopback names and addresses, the --host address and the --tls-name names (SPEC 14, against DNS rebinding)"
            ));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("(not text)");
        let same = origin.split_once("://").is_some_and(|(scheme, authority)| {
            let scheme = scheme.to_ascii_lowercase();
            (scheme == "http" || scheme == "https")
                && host_header
                    .is_some_and(|host| normalized(&scheme, authority) == normalized(&scheme, host))
        });
        if !same {
            return forbidden(format!(
                "Origin {origin} is not this emulator's: the admin API answers no other website (SPEC 14)"
            ));
        }
    }
    let reads = [Method::GET, Method::HEAD, Method::OPTIONS].contains(method);
    let content_type = headers.get(header::CONTENT_TYPE);
    if !reads && (content_type.is_some() || has_body(headers)) {
        let declared = content_type.and_then(|v| v.to_str().ok());
        if !declared.is_some_and(is_json) {
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "a request body of the admin API must be Content-Type: application/json ({})",
                    declared.unwrap_or("none given")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_values_are_reduced_to_their_host() {
        assert_eq!(host_of("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_of("[::1]:8080"), "::1");
        assert_eq!(host_of("LocalHost.:80"), "localhost");
        assert_eq!(host_of("emulator"), "emulator");
    }

    #[test]
    fn own_names_are_loopback_the_bind_address_and_tls_names() {
        let config = Config {
            host: "emulator.internal".into(),
            tls_names: vec!["vpc.test".into()],
            ..Config::default()
        };
        for own in [
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "::ffff:127.0.0.1",
            "localhost",
            "a.localhost",
            "vpc.test",
            "emulator.internal",
        ] {
            assert!(own_host(&config, own), "{own}");
        }
        for foreign in ["10.0.0.1", "localhost.evil.example", "evil.example", ""] {
            assert!(!own_host(&config, foreign), "{foreign}");
        }
    }

    #[test]
    fn json_is_the_only_body_type() {
        assert!(is_json("application/json") && is_json("APPLICATION/JSON ; charset=utf-8"));
        assert!(!is_json("text/plain") && !is_json("application/json-seq") && !is_json(""));
    }

    #[test]
    fn an_origin_matches_its_host_with_or_without_the_default_port() {
        assert_eq!(normalized("http", "Example:80"), "example");
        assert_eq!(normalized("https", "example:443"), "example");
        assert_eq!(normalized("http", "example:443"), "example:443");
    }
}
