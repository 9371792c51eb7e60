//! ACS3-HMAC-SHA256 (SPEC section 4; worked example in `reference/sdk-wire-protocol.md`
//! section 5): a canonical request over method, path, query, the client's `SignedHeaders` and
//! the hash of the body as received.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::percent_encode;

/// The algorithm name that opens the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The parts of `Authorization: ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Reads the header after the algorithm name; `None` when a part is missing or empty.
pub fn parse_authorization(rest: &str) -> Option<Authorization> {
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        match key.trim() {
            "Credential" => credential = Some(value.trim()),
            "SignedHeaders" => signed = Some(value.trim()),
            "Signature" => signature = Some(value.trim()),
            _ => {}
        }
    }
    let (credential, signed, signature) = (credential?, signed?, signature?);
    if credential.is_empty() || signed.is_empty() || signature.is_empty() {
        return None;
    }
    Some(Authorization {
        access_key_id: credential.to_owned(),
        signed_headers: signed
            .split(';')
            .map(|h| h.trim().to_ascii_lowercase())
            .collect(),
        signature: signature.to_owned(),
    })
}

/// The string to sign: `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
pub fn string_to_sign(
    method: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
    signed_headers: &[String],
    body: &[u8],
) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    pairs.sort();
    let canonical_query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");

    let mut canonical_headers = String::new();
    for name in signed_headers {
        let mut values: Vec<&str> = headers
            .get_all(name.as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::trim)
            .collect();
        values.sort_unstable();
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&values.join(","));
        canonical_headers.push('\n');
    }

    let canonical_request = format!(
        "{method}\n/\n{canonical_query}\n{canonical_headers}\n{}\n{}",
        signed_headers.join(";"),
        hex::encode(Sha256::digest(body))
    );
    format!(
        "{ALGORITHM}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// The HMAC-SHA256 keyed with a secret: prepared once per AccessKey when the state loads, then
/// cloned for each request.
#[derive(Clone)]
pub struct PreparedMac(Hmac<Sha256>);

impl std::fmt::Debug for PreparedMac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PreparedMac")
    }
}

impl PreparedMac {
    pub fn new(secret: &str) -> Self {
        PreparedMac(
            Hmac::<Sha256>::new_from_slice(secret.as_bytes())
                .expect("HMAC takes keys of any length"),
        )
    }

    fn mac(&self, string_to_sign: &str) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(string_to_sign.as_bytes());
        mac
    }

    /// The lower-case hex signature a client with this secret sends.
    pub fn sign(&self, string_to_sign: &str) -> String {
        hex::encode(self.mac(string_to_sign).finalize().into_bytes())
    }

    /// Whether the hex `signature` is right, compared in constant time.
    pub fn verify(&self, string_to_sign: &str, signature: &str) -> bool {
        match hex::decode(signature) {
            Ok(bytes) => self.mac(string_to_sign).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

/// [`PreparedMac::sign`] for a secret given once.
pub fn sign(secret: &str, string_to_sign: &str) -> String {
    PreparedMac::new(secret).sign(string_to_sign)
}

/// [`PreparedMac::verify`] for a secret given once.
pub fn verify(secret: &str, string_to_sign: &str, signature: &str) -> bool {
    PreparedMac::new(secret).verify(string_to_sign, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_header_is_parsed() {
        let a = parse_authorization(
            "Credential=LTAItestkey,SignedHeaders=host;x-acs-date,Signature=abcd",
        )
        .unwrap();
        assert_eq!(a.access_key_id, "LTAItestkey");
        assert_eq!(a.signed_headers, ["host", "x-acs-date"]);
        assert_eq!(a.signature, "abcd");
        assert_eq!(parse_authorization("Credential=AK,Signature=abcd"), None);
        assert_eq!(parse_authorization("garbage"), None);
    }

    /// `reference/sdk-wire-protocol.md` section 5.4.
    #[test]
    fn worked_example_of_the_reference() {
        let mut headers = HeaderMap::new();
        for (k, v) in [
            ("accept", "application/json"),
            ("host", "127.0.0.1:41535"),
            (
                "user-agent",
                "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
            ),
            ("x-acs-action", "ModifySslVpnClientCert"),
            (
                "x-acs-content-sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            ("x-acs-credentials-provider", "static_ak"),
            ("x-acs-date", "2026-11-29T03:01:34Z"),
            ("x-acs-signature-nonce", "57ef1cb4e49073d7efca12d1762a4ab3"),
            ("x-acs-version", "2016-04-28"),
        ] {
            headers.insert(k, v.parse().unwrap());
        }
        let signed: Vec<String> = "accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version"
            .split(';')
            .map(String::from)
            .collect();
        let query: Vec<(String, String)> = [
            ("ClientToken", "tok-1"),
            ("Name", "cert2"),
            ("RegionId", "cn-hangzhou"),
            ("SslVpnClientCertId", "vsc-test123"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let sts = string_to_sign("POST", &query, &headers, &signed, b"");
        assert_eq!(
            sts,
            "ACS3-HMAC-SHA256\n0e3e621ca909297a8dd33f77aaf37c8198887067a882e9bf283692785d311457"
        );
        let sig = "07fd6528d8a648226b24c90bc8eec4059e57688530156e53219f52fc98625ba8";
        assert_eq!(sign("testsecret", &sts), sig);
        assert!(verify("testsecret", &sts, sig));
        assert!(!verify("wrong", &sts, sig));
    }
}
