//! HTTPS on the API's port (`--tls`): the first byte of a connection tells a TLS handshake
//! (0x16) from plain HTTP, so both are served on one port. The server certificate is signed by
//! an emulator CA, made at first start and kept beside the state file (or in memory without
//! one), for `localhost`, `127.0.0.1`, `::1`, `vpc.aliyuncs.com`, `vpc.<region>.aliyuncs.com`
//! of every region and each `--tls-name`; or the user's own with `--tls-cert`/`--tls-key`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SanType,
};
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use time::macros::datetime;
use tokio_rustls::TlsAcceptor;

/// The first byte of a TLS handshake record.
pub const HANDSHAKE: u8 = 0x16;

/// What `--tls` serves with.
pub struct Tls {
    pub acceptor: TlsAcceptor,
    /// The CA clients must trust (PEM); `None` with the user's own certificate.
    pub ca_pem: Option<String>,
}

/// Why TLS could not be set up; the emulator refuses to start.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TlsError(String);

fn err(what: &str, e: impl std::fmt::Display) -> TlsError {
    TlsError(format!("{what}: {e}"))
}

/// Where the CA is kept with `--state-file PATH`: `PATH.tls-ca.pem` and `PATH.tls-ca.key`.
fn ca_paths(state_file: &Path) -> (PathBuf, PathBuf) {
    let with = |suffix: &str| {
        let mut name = state_file.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    (with(".tls-ca.pem"), with(".tls-ca.key"))
}

fn new_ca() -> Result<(String, String), TlsError> {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(|e| err("CA key", e))?;
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "aliyun-vpc-emulator");
    dn.push(DnType::CommonName, "aliyun-vpc-emulator TLS CA");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = datetime!(2025-01-01 0:00 UTC);
    params.not_after = datetime!(2125-01-01 0:00 UTC);
    let cert = params.self_signed(&key).map_err(|e| err("CA", e))?;
    Ok((cert.pem(), key.serialize_pem()))
}

/// Writes a file whole (a temporary, synced, then renamed), readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), TlsError> {
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&tmp)
        .map_err(|e| err(&tmp.display().to_string(), e))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| err(&tmp.display().to_string(), e))?;
    std::fs::rename(&tmp, path).map_err(|e| err(&path.display().to_string(), e))
}

/// The CA: kept beside the state file (made there at first start, checked to be a pair at
/// every start), else made for this process.
fn load_or_make_ca(state_file: Option<&Path>) -> Result<(String, String), TlsError> {
    let Some(state_file) = state_file else {
        return new_ca();
    };
    let (cert_path, key_path) = ca_paths(state_file);
    match (
        std::fs::read_to_string(&cert_path),
        std::fs::read_to_string(&key_path),
    ) {
        (Ok(cert), Ok(key)) => {
            // A CA that is not its key's (another emulator's put in its place) would sign
            // server certificates no client trusting /_emulator/ca.pem accepts (SPEC 13).
            let pair = crate::material::Pem { cert, key };
            crate::material::check_ca(&pair).map_err(|e| {
                TlsError(format!(
                    "{} and {} do not pair as a CA: {e} (put back the pair, or remove both to make a new CA)",
                    cert_path.display(),
                    key_path.display()
                ))
            })?;
            Ok((pair.cert, pair.key))
        }
        (Err(_), Err(_)) => {
            let (cert, key) = new_ca()?;
            // The key first: a CA certificate without its key would be refused at next start.
            write_private(&key_path, &key)?;
            write_private(&cert_path, &cert)?;
            Ok((cert, key))
        }
        _ => Err(TlsError(format!(
            "{} and {} go together: one is missing",
            cert_path.display(),
            key_path.display()
        ))),
    }
}

/// The names the server certificate is for.
pub fn server_names(regions: &[String], extra: &[String]) -> Vec<String> {
    let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1", "vpc.aliyuncs.com"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    names.extend(regions.iter().map(|r| format!("vpc.{r}.aliyuncs.com")));
    names.extend(extra.iter().cloned());
    names.dedup();
    names
}

fn server_cert(
    ca_cert: &str,
    ca_key: &str,
    names: &[String],
) -> Result<(String, String), TlsError> {
    let ca_key = KeyPair::from_pem(ca_key).map_err(|e| err("CA key", e))?;
    let issuer = Issuer::from_ca_cert_pem(ca_cert, ca_key).map_err(|e| err("CA certificate", e))?;
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(|e| err("server key", e))?;
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "aliyun-vpc-emulator");
    params.distinguished_name = dn;
    params.subject_alt_names = names
        .iter()
        .map(|n| match n.parse::<std::net::IpAddr>() {
            Ok(ip) => Ok(SanType::IpAddress(ip)),
            Err(_) => n
                .clone()
                .try_into()
                .map(SanType::DnsName)
                .map_err(|e| err(&format!("--tls-name {n}"), e)),
        })
        .collect::<Result<_, _>>()?;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.not_before = datetime!(2025-01-01 0:00 UTC);
    params.not_after = datetime!(2124-12-31 0:00 UTC);
    let cert = params
        .signed_by(&key, &issuer)
        .map_err(|e| err("server certificate", e))?;
    Ok((cert.pem(), key.serialize_pem()))
}

fn acceptor(cert_chain_pem: &str, key_pem: &str) -> Result<TlsAcceptor, TlsError> {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(cert_chain_pem.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|e| err("certificate PEM", e))?;
    if certs.is_empty() {
        return Err(TlsError("the certificate file holds no certificate".into()));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| err("key PEM", e))?;
    let mut config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| err("TLS versions", e))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| err("certificate and key", e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

impl Tls {
    /// Sets up `--tls`: the user's certificate and key, or the emulator CA's.
    pub fn setup(
        state_file: Option<&Path>,
        regions: &[String],
        extra_names: &[String],
        own: Option<(&Path, &Path)>,
    ) -> Result<Tls, TlsError> {
        if let Some((cert, key)) = own {
            let read =
                |p: &Path| std::fs::read_to_string(p).map_err(|e| err(&p.display().to_string(), e));
            return Ok(Tls {
                acceptor: acceptor(&read(cert)?, &read(key)?)?,
                ca_pem: None,
            });
        }
        let (ca_cert, ca_key) = load_or_make_ca(state_file)?;
        let (cert, key) = server_cert(&ca_cert, &ca_key, &server_names(regions, extra_names))?;
        Ok(Tls {
            acceptor: acceptor(&format!("{cert}{ca_cert}"), &key)?,
            ca_pem: Some(ca_cert),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cover_loopback_the_endpoints_and_extras() {
        let names = server_names(&["cn-hangzhou".into()], &["emulator.test".into()]);
        assert_eq!(
            names,
            [
                "localhost",
                "127.0.0.1",
                "::1",
                "vpc.aliyuncs.com",
                "vpc.cn-hangzhou.aliyuncs.com",
                "emulator.test"
            ]
        );
    }

    #[test]
    fn the_ca_is_kept_beside_the_state_file() {
        let dir = std::env::temp_dir().join(format!("vpc-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let state = dir.join("state.json");
        let first = Tls::setup(Some(&state), &["cn-hangzhou".into()], &[], None).unwrap();
        let again = Tls::setup(Some(&state), &[], &[], None).unwrap();
        assert_eq!(first.ca_pem, again.ca_pem);
        std::fs::remove_file(dir.join("state.json.tls-ca.key")).unwrap();
        assert!(Tls::setup(Some(&state), &[], &[], None).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
