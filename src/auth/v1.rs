//! Signature V1: HMAC-SHA1 over the sorted, percent-encoded parameters (SPEC section 4;
//! worked example in `reference/sdk-wire-protocol.md` section 4).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// `METHOD&%2F&` + the percent-encoded canonical query of every parameter but `Signature`.
/// `params` must be sorted by name, as [`crate::protocol::Params`] is.
///
/// The canonical query is encoded twice (once as a query, once as a whole); this writes the
/// twice-encoded form in one pass, since it is on every signed request's path.
pub fn string_to_sign<'a>(
    method: &str,
    params: impl Iterator<Item = (&'a str, &'a str)>,
) -> String {
    // Bytes rather than a String: everything written is ASCII, pushed a byte at a time.
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(method.as_bytes());
    out.extend_from_slice(b"&%2F&");
    let mut first = true;
    for (name, value) in params.filter(|(name, _)| *name != "Signature") {
        if !first {
            out.extend_from_slice(b"%26");
        }
        first = false;
        push_encoded_twice(&mut out, name);
        out.extend_from_slice(b"%3D");
        push_encoded_twice(&mut out, value);
    }
    String::from_utf8(out).expect("percent-encoding writes ASCII")
}

/// `percent_encode(percent_encode(s))`: unreserved bytes stay, each other byte becomes `%25XX`.
/// Written by hand, copying runs of unreserved bytes whole: this runs over every byte of every
/// V1 request's parameters.
fn push_encoded_twice(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    // Most names and values need no escaping: one check the compiler vectorises (a fold has
    // no early exit), then one copy.
    let plain = bytes.iter().fold(true, |all, &b| {
        all & (b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
    });
    if plain {
        out.extend_from_slice(bytes);
        return;
    }
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if UNRESERVED[usize::from(b)] {
            continue;
        }
        out.extend_from_slice(&bytes[run_start..i]);
        out.extend_from_slice(&[
            b'%',
            b'2',
            b'5',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xF)],
        ]);
        run_start = i + 1;
    }
    out.extend_from_slice(&bytes[run_start..]);
}

/// RFC 3986's unreserved bytes: `A-Z a-z 0-9 - _ . ~`.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~');
        b += 1;
    }
    table
};

/// The HMAC keyed with a secret (`secret + "&"`): prepared once per AccessKey when the state
/// loads, then cloned for each request.
#[derive(Clone)]
pub struct PreparedMac(Hmac<Sha1>);

impl std::fmt::Debug for PreparedMac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PreparedMac")
    }
}

impl PreparedMac {
    pub fn new(secret: &str) -> Self {
        let mut key = Vec::with_capacity(secret.len() + 1);
        key.extend_from_slice(secret.as_bytes());
        key.push(b'&');
        PreparedMac(Hmac::<Sha1>::new_from_slice(&key).expect("HMAC takes keys of any length"))
    }

    fn mac(&self, string_to_sign: &str) -> Hmac<Sha1> {
        let mut mac = self.0.clone();
        mac.update(string_to_sign.as_bytes());
        mac
    }

    /// The base64 signature a client with this secret sends for this string to sign.
    pub fn sign(&self, string_to_sign: &str) -> String {
        STANDARD.encode(self.mac(string_to_sign).finalize().into_bytes())
    }

    /// Whether `signature` (base64, already form-decoded) is right, compared in constant time.
    pub fn verify(&self, string_to_sign: &str, signature: &str) -> bool {
        // Decoded on the stack: a signature longer than any HMAC-SHA1 is simply wrong.
        let mut bytes = [0u8; 64];
        match STANDARD.decode_slice(signature, &mut bytes) {
            Ok(n) => self.mac(string_to_sign).verify_slice(&bytes[..n]).is_ok(),
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

    /// `reference/sdk-wire-protocol.md` section 4.3.
    #[test]
    fn worked_example_of_the_reference() {
        let params = [
            ("AccessKeyId", "LTAItestkey"),
            ("Action", "ModifySslVpnClientCert"),
            ("ClientToken", "tok-1"),
            ("Format", "JSON"),
            ("Name", "cert2"),
            ("RegionId", "cn-hangzhou"),
            ("Signature", "ignored"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "0f6c4fb477f673d8324771c75a575758"),
            ("SignatureType", ""),
            ("SignatureVersion", "1.0"),
            ("SslVpnClientCertId", "vsc-test123"),
            ("Timestamp", "2026-11-29T03:01:35Z"),
            ("Version", "2016-04-28"),
        ];
        let sts = string_to_sign("POST", params.into_iter());
        assert_eq!(
            sts,
            "POST&%2F&AccessKeyId%3DLTAItestkey%26Action%3DModifySslVpnClientCert%26ClientToken%3Dtok-1%26Format%3DJSON%26Name%3Dcert2%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D0f6c4fb477f673d8324771c75a575758%26SignatureType%3D%26SignatureVersion%3D1.0%26SslVpnClientCertId%3Dvsc-test123%26Timestamp%3D2026-11-29T03%253A01%253A35Z%26Version%3D2016-04-28"
        );
        assert_eq!(sign("testsecret", &sts), "ac3fDGTcV1ZFHlvyNbqB/FTtVSw=");
        assert!(verify("testsecret", &sts, "ac3fDGTcV1ZFHlvyNbqB/FTtVSw="));
        assert!(!verify("other", &sts, "ac3fDGTcV1ZFHlvyNbqB/FTtVSw="));
        assert!(!verify("testsecret", &sts, "not base64!"));
        let prepared = PreparedMac::new("testsecret");
        assert!(prepared.verify(&sts, "ac3fDGTcV1ZFHlvyNbqB/FTtVSw="));
        assert!(!PreparedMac::new("other").verify(&sts, "ac3fDGTcV1ZFHlvyNbqB/FTtVSw="));
        assert!(!prepared.verify(&sts, "not base64!"));
    }

    proptest::proptest! {
        #[test]
        fn encoding_twice_is_percent_encoding_applied_twice(s in "\\PC*") {
            let mut once = Vec::new();
            push_encoded_twice(&mut once, &s);
            proptest::prop_assert_eq!(String::from_utf8(once).unwrap(), crate::auth::percent_encode(&crate::auth::percent_encode(&s)));
        }
    }
}
