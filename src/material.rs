//! Real key material (SPEC 7.3): one EC P-256 CA per SSL-VPN server, client certificates signed
//! by it with CN = the certificate ID, PKCS#8 PEM keys, and the OpenVPN client configuration.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
};
use time::OffsetDateTime;
use time::macros::datetime;

/// Why material could not be made or read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MaterialError(String);

impl MaterialError {
    pub fn new(message: String) -> Self {
        MaterialError(message)
    }
}

impl From<rcgen::Error> for MaterialError {
    fn from(e: rcgen::Error) -> Self {
        MaterialError(e.to_string())
    }
}

/// A certificate and its private key, both PEM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pem {
    pub cert: String,
    pub key: String,
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "aliyun-vpc-emulator");
    dn.push(DnType::CommonName, common_name);
    dn
}

/// A new CA for an SSL-VPN server. Valid from 1970 to 9999-12-31T23:59:59Z, the last second
/// X.509 can carry, so that no client certificate the state can hold outlives it (SPEC 13).
pub fn new_ca(server_id: &str) -> Result<Pem, MaterialError> {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::default();
    params.distinguished_name = name(server_id);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = datetime!(1970-01-01 0:00 UTC);
    params.not_after = datetime!(9999-12-31 23:59:59 UTC);
    let cert = params.self_signed(&key)?;
    Ok(Pem {
        cert: cert.pem(),
        key: key.serialize_pem(),
    })
}

/// A CA certificate's validity, epoch seconds.
fn ca_validity(ca_cert: &str) -> Result<(i64, i64), MaterialError> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(ca_cert.as_bytes())
        .map_err(|e| MaterialError(format!("CaCert is not PEM: {e}")))?;
    let cert = pem
        .parse_x509()
        .map_err(|e| MaterialError(format!("CaCert is not an X.509 certificate: {e}")))?;
    let validity = cert.validity();
    Ok((
        validity.not_before.timestamp(),
        validity.not_after.timestamp(),
    ))
}

/// Checks that a CA given in a state file can sign, and that `CaKey` is the key of `CaCert`
/// (else the certificates it issued would not verify against it).
pub fn check_ca(ca: &Pem) -> Result<(), MaterialError> {
    let key = KeyPair::from_pem(&ca.key)?;
    let (_, pem) = x509_parser::pem::parse_x509_pem(ca.cert.as_bytes())
        .map_err(|e| MaterialError(format!("CaCert is not PEM: {e}")))?;
    let cert = pem
        .parse_x509()
        .map_err(|e| MaterialError(format!("CaCert is not an X.509 certificate: {e}")))?;
    if cert.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
        return Err(MaterialError(
            "CaKey is not the private key of CaCert".into(),
        ));
    }
    Issuer::from_ca_cert_pem(&ca.cert, key)?;
    Ok(())
}

fn from_secs(secs: i64) -> Result<OffsetDateTime, MaterialError> {
    OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|e| MaterialError(format!("time {secs} s out of range: {e}")))
}

/// A client certificate signed by the server's CA, valid `create_ms`..`end_ms`.
pub fn new_client_cert(
    ca: &Pem,
    cert_id: &str,
    create_ms: i64,
    end_ms: i64,
) -> Result<Pem, MaterialError> {
    let ca_key = KeyPair::from_pem(&ca.key)?;
    let issuer = Issuer::from_ca_cert_pem(&ca.cert, ca_key)?;
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::default();
    params.distinguished_name = name(cert_id);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyAgreement,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.use_authority_key_identifier_extension = true;
    // Validity is written to the second, and never outside the CA's.
    let (ca_from, ca_to) = ca_validity(&ca.cert)?;
    params.not_before = from_secs(create_ms.div_euclid(1000).clamp(ca_from, ca_to))?;
    params.not_after = from_secs(end_ms.div_euclid(1000).clamp(ca_from, ca_to))?;
    let cert = params.signed_by(&key, &issuer)?;
    Ok(Pem {
        cert: cert.pem(),
        key: key.serialize_pem(),
    })
}

/// The SSL-VPN server's settings that a client configuration names.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint<'a> {
    /// `UDP` or `TCP`.
    pub proto: &'a str,
    pub port: u16,
    pub cipher: &'a str,
    /// The VPN gateway's public address.
    pub gateway_ip: &'a str,
}

/// The OpenVPN client configuration that embeds the CA, the certificate and its key.
pub fn client_config(server: Endpoint, ca_cert: &str, client: &Pem) -> String {
    let block = |tag: &str, pem: &str| format!("<{tag}>\n{}\n</{tag}>\n", pem.trim_end());
    format!(
        "client\ndev tun\nproto {proto}\nremote {gateway_ip} {port}\nresolv-retry infinite\nnobind\npersist-key\npersist-tun\nremote-cert-tls server\ncipher {cipher}\nverb 3\n{ca}{cert}{key}",
        proto = server.proto.to_ascii_lowercase(),
        gateway_ip = server.gateway_ip,
        port = server.port,
        cipher = server.cipher,
        ca = block("ca", ca_cert),
        cert = block("cert", &client.cert),
        key = block("key", &client.key),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_signs_client_certificates_with_the_right_validity() {
        let ca = new_ca("vss-1").unwrap();
        assert!(ca.cert.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(ca.key.starts_with("-----BEGIN PRIVATE KEY-----"));
        check_ca(&ca).unwrap();
        let client = new_client_cert(&ca, "vsc-1", 1_764_547_200_123, 1_859_155_200_999).unwrap();
        assert!(client.cert.starts_with("-----BEGIN CERTIFICATE-----"));
        let (_, pem) = x509_parser::pem::parse_x509_pem(client.cert.as_bytes()).unwrap();
        let parsed = pem.parse_x509().unwrap();
        let validity = parsed.validity();
        assert_eq!(validity.not_before.timestamp(), 1_764_547_200);
        assert_eq!(validity.not_after.timestamp(), 1_859_155_200);
        let cn = parsed
            .subject()
            .iter_common_name()
            .next()
            .and_then(|c| c.as_str().ok());
        assert_eq!(cn, Some("vsc-1"));
        assert!(
            check_ca(&Pem {
                cert: ca.cert.clone(),
                key: "junk".into()
            })
            .is_err()
        );
    }

    #[test]
    fn a_ca_and_a_key_that_are_not_a_pair_are_refused() {
        let (a, b) = (new_ca("vss-a").unwrap(), new_ca("vss-b").unwrap());
        let mixed = Pem {
            cert: a.cert.clone(),
            key: b.key.clone(),
        };
        assert_eq!(
            check_ca(&mixed).unwrap_err().to_string(),
            "CaKey is not the private key of CaCert"
        );
    }

    #[test]
    fn client_certificates_never_outlive_their_ca() {
        let ca = new_ca("vss-1").unwrap();
        let end = crate::clock::MAX_TIME_MS;
        let client = new_client_cert(&ca, "vsc-1", end - 1_000_000, end).unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(client.cert.as_bytes()).unwrap();
        let parsed = pem.parse_x509().unwrap();
        let (_, ca_to) = ca_validity(&ca.cert).unwrap();
        assert_eq!(parsed.validity().not_after.timestamp(), ca_to);
        assert_eq!(ca_to, end / 1000);
        // A CA of another make with a shorter life (as older state files hold) bounds them too.
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::default();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.not_before = datetime!(2000-01-01 0:00 UTC);
        params.not_after = datetime!(2099-12-31 23:59:59 UTC);
        let short = Pem {
            cert: params.self_signed(&key).unwrap().pem(),
            key: key.serialize_pem(),
        };
        let client =
            new_client_cert(&short, "vsc-2", 4_000_000_000_000, 4_200_000_000_000).unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(client.cert.as_bytes()).unwrap();
        let validity = pem.parse_x509().unwrap().validity().clone();
        assert_eq!(validity.not_after.timestamp(), 4_102_444_799);
        assert_eq!(validity.not_before.timestamp(), 4_000_000_000);
    }
}
