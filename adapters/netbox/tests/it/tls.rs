//! TLS: certificates are verified; a NetBox with its own CA works through NETBOX_CA_CERT.

use netbox::{Netbox, NetboxConfig};
use ports::{Inventory, InventoryError};
use testkit::netbox::DemoNetbox;
use testkit::tls::TlsFront;

use crate::config;

fn with_ca(url: &str, ca_pem: &str) -> NetboxConfig {
    // One file per TLS front (its port is unique while it runs).
    let port = url.rsplit(':').next().unwrap_or_default();
    let path =
        std::env::temp_dir().join(format!("netbot-test-ca-{}-{port}.pem", std::process::id()));
    std::fs::write(&path, ca_pem).unwrap();
    NetboxConfig {
        ca_cert: Some(path),
        token: netbox::NetboxToken::new(testkit::netbox::DEMO_TOKEN),
        ..config(url)
    }
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_refused_as_untrusted() {
    let netbox_server = DemoNetbox::start().await;
    let front = TlsFront::start(netbox_server.address()).await;

    let error = Netbox::new(config(front.url()))
        .unwrap()
        .sites()
        .await
        .unwrap_err();

    assert!(
        matches!(error, InventoryError::UntrustedCertificate { .. }),
        "{error:?}"
    );
    let text = ports::with_causes(&error);
    assert!(text.contains("UnknownIssuer"), "{text}");
    assert!(!text.contains("NETBOX_"), "{text}");
}

#[tokio::test]
async fn the_netbox_ca_cert_makes_its_certificate_trusted() {
    let netbox_server = DemoNetbox::start().await;
    let front = TlsFront::start(netbox_server.address()).await;

    let sites = Netbox::new(with_ca(front.url(), front.ca_pem()))
        .unwrap()
        .sites()
        .await
        .unwrap();

    assert!(!sites.is_empty());
    assert!(
        sites[0].url.starts_with("https://localhost:"),
        "{}",
        sites[0].url
    );
}

#[tokio::test]
async fn another_ca_is_still_refused() {
    let netbox_server = DemoNetbox::start().await;
    let front = TlsFront::start(netbox_server.address()).await;
    let other = TlsFront::start(netbox_server.address()).await;

    let error = Netbox::new(with_ca(front.url(), other.ca_pem()))
        .unwrap()
        .sites()
        .await
        .unwrap_err();

    // Both test CAs share a name, so rustls finds the issuer and rejects the signature.
    assert!(
        ports::with_causes(&error).contains("invalid peer certificate"),
        "{error}"
    );
}

#[tokio::test]
async fn insecure_skips_verification_only_when_asked() {
    let netbox_server = DemoNetbox::start().await;
    let front = TlsFront::start(netbox_server.address()).await;
    let settings = NetboxConfig {
        insecure: true,
        token: netbox::NetboxToken::new(testkit::netbox::DEMO_TOKEN),
        ..config(front.url())
    };

    assert!(!Netbox::new(settings)
        .unwrap()
        .sites()
        .await
        .unwrap()
        .is_empty());
}
