//! A TLS front for fixture servers: a test CA (made fresh with rcgen), a server certificate
//! for `localhost` and `127.0.0.1` signed by it, and a loopback listener that terminates TLS
//! and forwards the bytes to a plain wiremock server.

use std::net::SocketAddr;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// A running TLS front; stops when dropped.
#[derive(Debug)]
pub struct TlsFront {
    url: String,
    ca_pem: String,
    task: JoinHandle<()>,
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A fresh CA and a `localhost`/`127.0.0.1` certificate it signed: `(ca_pem, cert_der, key_der)`.
///
/// # Panics
/// When key generation fails: a broken test kit, not a test failure.
#[allow(clippy::expect_used)]
fn certificates() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "netbot test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::CrlSign,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).expect("a self-signed CA");
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().expect("a server key");
    let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("server parameters");
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let server_cert = params
        .signed_by(&server_key, &issuer)
        .expect("a server certificate");
    (
        ca_cert.pem(),
        server_cert.der().clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
    )
}

impl TlsFront {
    /// Terminates TLS on a free loopback port and forwards every connection to `upstream`.
    ///
    /// # Panics
    /// When no port or TLS configuration can be had: a broken test kit.
    #[allow(clippy::expect_used)]
    pub async fn start(upstream: SocketAddr) -> Self {
        let (ca_pem, cert, key) = certificates();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .expect("a server certificate");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let port = listener.local_addr().expect("the port").port();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A client that refuses the certificate ends the handshake: nothing to do.
                    let Ok(mut tls) = acceptor.accept(client).await else {
                        return;
                    };
                    if let Ok(mut plain) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                    }
                });
            }
        });
        Self {
            url: format!("https://localhost:{port}"),
            ca_pem,
            task,
        }
    }

    /// `https://localhost:PORT`.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The test CA, PEM-encoded: what `NETBOX_CA_CERT` would point at.
    #[must_use]
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }
}
