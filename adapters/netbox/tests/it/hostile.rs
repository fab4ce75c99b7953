//! A NetBox that does not play fair: redirects elsewhere, `next` links that loop, user-info in
//! the URL, a CA file that never ends. The token never leaves its host, every listing ends.

use netbox::Netbox;
use ports::Inventory;
use serde_json::json;
use testkit::netbox::sites_page;
use testkit::requests::received;
use wiremock::matchers::{any, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{config, netbox};

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_nor_its_answer_believed() {
    for status in [301, 302, 307, 308] {
        let other = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(sites_page(
                &other.uri(),
                3,
                0,
                1000,
            )))
            .expect(0)
            .mount(&other)
            .await;
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("Location", format!("{}/api/dcim/sites/", other.uri())),
            )
            .mount(&server)
            .await;

        let error = netbox(&server.uri()).sites().await.unwrap_err();

        assert!(
            error.to_string().contains(&format!(
                "a redirect to {}/api/dcim/sites/, another server, not followed",
                other.uri()
            )),
            "{status}: {error}"
        );
        other.verify().await;
    }
}

#[tokio::test]
async fn a_next_link_back_to_a_page_already_read_ends_the_list() {
    let server = MockServer::start().await;
    let base = server.uri();
    let mut first = sites_page(&base, 4, 0, 2);
    first["next"] = json!(format!("{base}/api/dcim/sites/?limit=2&offset=2"));
    let mut second = sites_page(&base, 4, 2, 2);
    second["next"] = json!(format!("{base}/api/dcim/sites/?limit=1000"));
    Mock::given(path("/api/dcim/sites/"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(second))
        .mount(&server)
        .await;
    Mock::given(path("/api/dcim/sites/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .mount(&server)
        .await;

    let netbox = netbox(&base);
    let sites = netbox.sites();
    let sites = tokio::time::timeout(std::time::Duration::from_secs(30), sites)
        .await
        .expect("the listing ends")
        .unwrap();

    assert_eq!(sites.len(), 4);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_next_link_with_another_scheme_is_refused_and_nothing_more_is_asked() {
    for next in ["javascript:alert(1)", "data:text/html,alert(1)"] {
        let server = MockServer::start().await;
        let base = server.uri();
        let mut first = sites_page(&base, 4, 0, 2);
        first["next"] = json!(next);
        Mock::given(path("/api/dcim/sites/"))
            .respond_with(ResponseTemplate::new(200).set_body_json(first))
            .mount(&server)
            .await;

        let error = netbox(&base).sites().await.unwrap_err().to_string();

        let host = base.trim_start_matches("http://");
        let scheme = next.split(':').next().unwrap();
        assert_eq!(
            error,
            format!(
                "unexpected answer from NetBox at {host} to list sites: a next page link with \
                 the scheme {scheme}: rather than http:, not followed"
            )
        );
        assert_eq!(
            received(&server).await,
            ["GET /api/dcim/sites/?limit=1000 [Token …]"],
            "{next}"
        );
    }
}

#[tokio::test]
async fn pages_that_bring_nothing_new_end_the_list_without_repeats() {
    let server = MockServer::start().await;
    let base = server.uri();
    // Every page is the same two sites, with a `next` that always differs.
    Mock::given(path("/api/dcim/sites/"))
        .respond_with(move |request: &wiremock::Request| {
            let offset: u64 = request
                .url
                .query_pairs()
                .find(|(name, _)| name == "offset")
                .and_then(|(_, value)| value.parse().ok())
                .unwrap_or(0);
            let mut page = sites_page(&base, 2, 0, 2);
            page["next"] = json!(format!(
                "{base}/api/dcim/sites/?limit=2&offset={}",
                offset + 2
            ));
            ResponseTemplate::new(200).set_body_json(page)
        })
        .mount(&server)
        .await;

    let netbox = netbox(&server.uri());
    let sites = netbox.sites();
    let sites = tokio::time::timeout(std::time::Duration::from_secs(30), sites)
        .await
        .expect("the listing ends")
        .unwrap();

    assert_eq!(sites.len(), 2);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn user_info_in_the_url_is_never_shown_in_site_urls() {
    let server = MockServer::start().await;
    Mock::given(path("/api/dcim/sites/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sites_page(
            &server.uri(),
            3,
            0,
            1000,
        )))
        .mount(&server)
        .await;
    let url = server.uri().replace("http://", "http://admin:Pa55word@");

    let sites = netbox(&url).sites().await.unwrap();

    assert_eq!(sites.len(), 3);
    for site in sites.iter() {
        assert!(site.url.starts_with(&server.uri()), "{}", site.url);
    }
    let error = Netbox::new(config("ftp://admin:Pa55word@nb.example.org/")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the NetBox URL 'ftp://nb.example.org/' is not an http(s) URL"
    );
}

#[test]
fn a_ca_file_that_is_not_a_regular_file_is_refused_at_once() {
    let mut settings = config("https://nb.example.org/");
    settings.ca_cert = Some("/dev/zero".into());
    let error = Netbox::new(settings).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the CA file '/dev/zero': not a regular file"
    );
}

#[test]
fn a_ca_file_that_is_a_fifo_nobody_writes_is_refused_at_once() {
    let fifo = std::env::temp_dir().join(format!("netbot-test-ca-fifo-{}", std::process::id()));
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let mut settings = config("https://nb.example.org/");
    settings.ca_cert = Some(fifo.clone());

    // On a thread of its own, so that a refusal that blocks fails the test rather than hangs it.
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(Netbox::new(settings).map(|_| ()).map_err(|e| e.to_string()));
    });
    let answer = receiver.recv_timeout(std::time::Duration::from_secs(5));
    std::fs::remove_file(&fifo).unwrap();

    let error = answer.expect("refused at once, not blocked").unwrap_err();
    assert_eq!(
        error,
        format!("the CA file '{}': not a regular file", fifo.display())
    );
}
