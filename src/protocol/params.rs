//! Turning the query string and a form body into parameters (SPEC section 3.1).

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use axum::http::{HeaderMap, Method, header};
use bytes::Bytes;

use crate::error::ApiError;

/// The parameters of one API call: query string and form body together, form-decoded.
///
/// Kept as a sorted map: the V1 signature, the idempotency fingerprint and the journal all want
/// them sorted by name, and a name given twice is refused before anything else reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// A parameter's value as given, the empty string included.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A parameter that must be present and non-empty (SPEC 3.1: empty counts as missing).
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        match self.get(name) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(ApiError::MissingActionParameter(name.to_owned())),
        }
    }

    /// An optional filter: absent and empty both mean "no filter".
    pub fn filter(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }
}

impl FromIterator<(String, String)> for Params {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Params(iter.into_iter().collect())
    }
}

/// An HTTP request to `/`, decoded but not yet authenticated.
#[derive(Debug, Clone)]
pub struct RpcRequest {
    pub method: Method,
    /// Query parameters in wire order, form-decoded, kept only when the request carries an
    /// `Authorization` header: the ACS3 canonical query is built from these alone.
    pub query: Vec<(String, String)>,
    /// Query and form body together.
    pub params: Params,
    pub headers: HeaderMap,
    /// The body as received (de-chunked), which ACS3 hashes.
    pub body: Bytes,
}

/// `Format` (SPEC 3.1): JSON unless a V1 caller asks for XML.
pub fn parse_format(value: Option<&str>) -> Result<super::Format, ApiError> {
    match value {
        None => Ok(super::Format::Json),
        Some(v) if v.eq_ignore_ascii_case("json") || v.eq_ignore_ascii_case("none") => {
            Ok(super::Format::Json)
        }
        Some(v) if v.eq_ignore_ascii_case("xml") => Ok(super::Format::Xml),
        Some(_) => Err(ApiError::InvalidParameter("Format".into())),
    }
}

/// Whether a body of this content type carries parameters.
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn decode(input: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(input)
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// What decoding found before the checks of SPEC 3.3 run: the raw `Format` value (checked before
/// duplicates) and the first duplicated name, if any.
pub struct Decoded {
    pub request: RpcRequest,
    pub format: Option<String>,
    pub duplicate: Option<String>,
}

/// Decodes query string and form body.
pub fn decode_request(method: Method, query: &str, headers: HeaderMap, body: Bytes) -> Decoded {
    let query_pairs = decode(query.as_bytes());
    let form = if is_form(&headers) {
        decode(&body)
    } else {
        Vec::new()
    };
    let kept_query = if headers.contains_key(header::AUTHORIZATION) {
        query_pairs.clone()
    } else {
        Vec::new()
    };
    let mut map = BTreeMap::new();
    let mut duplicate = None;
    let mut format = None;
    for (name, value) in query_pairs.into_iter().chain(form) {
        if name == "Format" && format.is_none() {
            format = Some(value.clone());
        }
        match map.entry(name) {
            Entry::Vacant(e) => {
                e.insert(value);
            }
            Entry::Occupied(e) => {
                if duplicate.is_none() {
                    duplicate = Some(e.key().clone());
                }
            }
        }
    }
    Decoded {
        request: RpcRequest {
            method,
            query: kept_query,
            params: Params(map),
            headers,
            body,
        },
        format,
        duplicate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Format;

    fn form_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=UTF-8"
                .parse()
                .unwrap(),
        );
        h
    }

    #[test]
    fn query_and_form_are_form_decoded_and_merged() {
        let d = decode_request(
            Method::POST,
            "Name=my+cert%2A~%2F%C3%A9&RegionId=cn-hangzhou",
            form_headers(),
            Bytes::from_static(b"SslVpnClientCertId=vsc-1&Empty="),
        );
        let p = &d.request.params;
        assert_eq!(p.get("Name"), Some("my cert*~/é"));
        assert_eq!(p.get("SslVpnClientCertId"), Some("vsc-1"));
        assert_eq!(p.get("Empty"), Some(""));
        assert!(p.required("Empty").is_err());
        assert_eq!(p.filter("Empty"), None);
        assert_eq!(d.duplicate, None);
    }

    #[test]
    fn bodies_of_other_types_are_ignored() {
        let d = decode_request(
            Method::POST,
            "",
            HeaderMap::new(),
            Bytes::from_static(b"Action=X"),
        );
        assert_eq!(d.request.params.get("Action"), None);
    }

    #[test]
    fn a_name_given_twice_is_found_across_query_and_body() {
        let d = decode_request(
            Method::POST,
            "Name=a",
            form_headers(),
            Bytes::from_static(b"Name=b"),
        );
        assert_eq!(d.duplicate.as_deref(), Some("Name"));
    }

    #[test]
    fn format_is_case_insensitive_and_none_is_json() {
        assert_eq!(parse_format(Some("xml")).unwrap(), Format::Xml);
        assert_eq!(parse_format(Some("JSON")).unwrap(), Format::Json);
        assert_eq!(parse_format(Some("None")).unwrap(), Format::Json);
        assert_eq!(parse_format(None).unwrap(), Format::Json);
        assert_eq!(
            parse_format(Some("yaml")),
            Err(ApiError::InvalidParameter("Format".into()))
        );
    }
}
