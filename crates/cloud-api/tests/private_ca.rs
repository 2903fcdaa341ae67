//! A self-hosted control plane behind a private CA: the emulator served over TLS with a throwaway CA
//! is refused by default, and trusted through `ZENML_PRO_CA_BUNDLE`, through the configured extra roots,
//! or through the operating system's store (`SSL_CERT_FILE` names it here). One test: it sets
//! process-wide variables.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use zenml_cloud_api::*;
use zenml_pro_emulator::{start, EmulatorConfig};

/// A throwaway CA and a certificate for `localhost` signed by it: (CA PEM, leaf chain, leaf key).
fn throwaway_ca(
) -> (String, Vec<rustls::pki_types::CertificateDer<'static>>, rustls::pki_types::PrivateKeyDer<'static>) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "Throwaway test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
    (ca.pem(), vec![leaf.der().clone()], key)
}

/// A TLS front on a random loopback port that hands every connection to `backend`.
async fn tls_front(
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
    backend: std::net::SocketAddr,
) -> u16 {
    let config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let Ok(mut plain) = TcpStream::connect(backend).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    port
}

#[tokio::test]
async fn a_private_ca_is_trusted_only_when_configured() {
    std::env::remove_var(CA_BUNDLE_ENV);
    std::env::remove_var("SSL_CERT_FILE");
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    let backend: std::net::SocketAddr = emu.base_url().trim_start_matches("http://").parse().unwrap();
    let (ca_pem, chain, key) = throwaway_ca();
    let port = tls_front(chain, key, backend).await;
    let url = format!("https://localhost:{port}");
    let key = ApiKey::new(&emu.credentials().admin.key);
    let dir = tempfile_dir();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, &ca_pem).unwrap();

    // Not trusted: a plain error that says why, before any key is sent.
    let mut config = ClientConfig::new(&url);
    config.retry = RetryPolicy::none();
    let e = ApiClient::new(config).unwrap().login_with_key(&key).await.unwrap_err();
    assert!(matches!(e, ApiError::Network { kind: NetworkErrorKind::Connect, .. }), "{e:?}");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");

    // Trusted through the configured extra roots.
    let mut config = ClientConfig::new(&url);
    config.extra_roots_pem = Some(ca_pem.clone().into_bytes());
    let c = ApiClient::new(config).unwrap();
    let t = c.login_with_key(&key).await.expect("trusted through the extra roots").access_token;
    assert!(c.me(&t).await.is_ok());

    // Trusted through ZENML_PRO_CA_BUNDLE.
    std::env::set_var(CA_BUNDLE_ENV, &ca_file);
    let c = ApiClient::new(ClientConfig::new(&url)).unwrap();
    c.login_with_key(&key).await.expect("trusted through ZENML_PRO_CA_BUNDLE");
    std::env::remove_var(CA_BUNDLE_ENV);

    // Trusted through the operating system's store.
    std::env::set_var("SSL_CERT_FILE", &ca_file);
    let c = ApiClient::new(ClientConfig::new(&url)).unwrap();
    c.login_with_key(&key).await.expect("trusted through the system store");
    std::env::remove_var("SSL_CERT_FILE");
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zenml-pro-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
