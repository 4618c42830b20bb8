//! HTTPS: a certificate made at start-up (a local CA and a server certificate it signs for
//! `localhost`, `127.0.0.1` and `::1`), or one read from PEM files.

use crate::error::EmulatorError;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// A server certificate chain and key, plus the PEM clients should trust.
pub(crate) struct TlsMaterial {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) key: PrivateKeyDer<'static>,
    /// The PEM of the certificate to trust: the generated CA, or the given certificate file.
    pub(crate) trust_pem: String,
}

fn tls_error(context: &str, error: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Tls(format!("{context}: {error}"))
}

/// Makes a fresh local CA and a server certificate for loopback names.
pub(crate) fn generate() -> Result<TlsMaterial, EmulatorError> {
    let ca_key = KeyPair::generate().map_err(|e| tls_error("generating the CA key", e))?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(|e| tls_error("CA parameters", e))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.distinguished_name.push(DnType::CommonName, "ACS Emulator Local CA");
    ca_params.distinguished_name.push(DnType::OrganizationName, "acs_emulator");
    ca_params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(|e| tls_error("signing the CA certificate", e))?;

    let server_key = KeyPair::generate().map_err(|e| tls_error("generating the server key", e))?;
    let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()])
        .map_err(|e| tls_error("server certificate parameters", e))?;
    params.distinguished_name.push(DnType::CommonName, "localhost");
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server = params.signed_by(&server_key, &ca).map_err(|e| tls_error("signing the server certificate", e))?;

    let key =
        PrivateKeyDer::try_from(server_key.serialize_der()).map_err(|e| tls_error("encoding the server key", e))?;
    Ok(TlsMaterial { chain: vec![server.der().clone(), ca.der().clone()], key, trust_pem: ca.pem() })
}

/// Reads a certificate chain and a private key from PEM files.
pub(crate) fn from_files(cert: &Path, key: &Path) -> Result<TlsMaterial, EmulatorError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| tls_error(&format!("reading {}", cert.display()), e))?
        .collect::<Result<_, _>>()
        .map_err(|e| tls_error(&format!("parsing {}", cert.display()), e))?;
    if chain.is_empty() {
        return Err(EmulatorError::Tls(format!("{} holds no certificate", cert.display())));
    }
    let key =
        PrivateKeyDer::from_pem_file(key).map_err(|e| tls_error(&format!("reading the key {}", key.display()), e))?;
    let trust_pem = std::fs::read_to_string(cert)?;
    Ok(TlsMaterial { chain, key, trust_pem })
}

/// A TLS acceptor (HTTP/1.1 and HTTP/2 by ALPN) for the material.
pub(crate) fn acceptor(material: &TlsMaterial) -> Result<TlsAcceptor, EmulatorError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error("TLS versions", e))?
        .with_no_client_auth()
        .with_single_cert(material.chain.clone(), material.key.clone_key())
        .map_err(|e| tls_error("TLS certificate", e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
