//! The same scenarios against a real NetBox on loopback (see `scripts/netbox/start.sh`).

use std::time::Duration;

use netbox::{Netbox, NetboxConfig, NetboxToken};
use ports::{sites, Inventory, InventoryError};
use testkit::real_netbox::{seeded, Seed, FILLER_SITES};

fn real(seed: &Seed, token: &str) -> Netbox {
    Netbox::new(NetboxConfig {
        url: format!("{}/api/", seed.url),
        token: NetboxToken::new(token),
        ca_cert: None,
        insecure: false,
        timeout: Duration::from_secs(60),
        cache_for: Duration::from_secs(300),
    })
    .unwrap()
}

#[tokio::test]
async fn real_every_site_comes_back_across_pages() {
    let Some(seed) = seeded() else { return };

    let all = real(seed, &seed.token).sites().await.unwrap();

    let fillers = all
        .iter()
        .filter(|site| site.slug.starts_with(&format!("filler-{}-", seed.run)))
        .count();
    assert_eq!(fillers as u64, FILLER_SITES);
    assert!(all.len() as u64 > 1000 + 2);
}

#[tokio::test]
async fn real_a_site_is_found_by_slug_and_shows_its_counts() {
    let Some(seed) = seeded() else { return };

    let details = sites::details(&real(seed, &seed.token), &seed.full_slug)
        .await
        .unwrap();

    assert_eq!(details.site.id, seed.full_id);
    assert_eq!(details.counts.devices, seed.devices);
    assert_eq!(details.counts.prefixes, seed.prefixes);
    assert_eq!(details.counts.circuits, seed.circuits);
    assert_eq!(details.site.coordinates, Some((47.5373, -122.2817)));
    assert_eq!(
        details.site.url,
        format!("{}/dcim/sites/{}/", seed.url, seed.full_id)
    );
}

#[tokio::test]
async fn real_a_bare_site_has_no_optional_fields() {
    let Some(seed) = seeded() else { return };

    let details = sites::details(&real(seed, &seed.token), &seed.bare_slug)
        .await
        .unwrap();

    assert_eq!(details.site.region, None);
    assert_eq!(details.site.coordinates, None);
    assert_eq!(details.counts, domain::SiteCounts::default());
}

#[tokio::test]
async fn real_a_v2_token_works_as_bearer() {
    let Some(seed) = seeded() else { return };
    let token = seed
        .token_v2
        .as_ref()
        .expect("scripts/netbox/start.sh makes a v2 token");

    assert!(!real(seed, token).sites().await.unwrap().is_empty());
}

#[tokio::test]
async fn real_a_wrong_token_is_rejected_by_name() {
    let Some(seed) = seeded() else { return };

    let error = real(seed, "0000000000000000000000000000000000000000")
        .sites()
        .await
        .unwrap_err();

    assert!(matches!(error, InventoryError::Forbidden), "{error:?}");
}
