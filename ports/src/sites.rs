//! The `sites` use cases: list, find by name, details, autocomplete.

use std::sync::Arc;

use domain::site::{complete as complete_sites, find, SiteMatch};
use domain::{Site, SiteDetails};

use crate::inventory::{Inventory, InventoryError};

/// Discord's limit on autocomplete choices.
pub const MAX_SUGGESTIONS: usize = 25;

/// Every site.
///
/// # Errors
/// [`InventoryError`] when the inventory cannot be read.
pub async fn list<I: Inventory>(inventory: &I) -> Result<Arc<[Site]>, InventoryError> {
    inventory.sites().await
}

/// The site a person means by `name`, with its details.
///
/// # Errors
/// [`InventoryError::SiteNotFound`] with the closest names, [`InventoryError::AmbiguousSite`],
/// or a failure to read the inventory.
pub async fn details<I: Inventory>(
    inventory: &I,
    name: &str,
) -> Result<SiteDetails, InventoryError> {
    let sites = inventory.sites().await?;
    let site_id = match find(&sites, name) {
        SiteMatch::One(site) => site.id,
        SiteMatch::Several(found) => {
            return Err(InventoryError::AmbiguousSite {
                name: name.to_owned(),
                matches: found.iter().map(|site| site.slug.clone()).collect(),
            })
        }
        SiteMatch::None(closest) => {
            return Err(InventoryError::SiteNotFound {
                name: name.to_owned(),
                closest: closest.iter().map(|site| site.slug.clone()).collect(),
            })
        }
    };
    let (site, counts) = inventory.site_details(site_id).await?;
    Ok(SiteDetails { site, counts })
}

/// Up to 25 site names for what has been typed, best first, for Discord's autocomplete.
///
/// # Errors
/// [`InventoryError`] when the inventory cannot be read.
pub async fn complete<I: Inventory>(
    inventory: &I,
    typed: &str,
) -> Result<Vec<(String, String)>, InventoryError> {
    let sites = inventory.sites().await?;
    Ok(complete_sites(&sites, typed, MAX_SUGGESTIONS)
        .into_iter()
        .map(|site| (site.name.clone(), site.slug.clone()))
        .collect())
}

#[cfg(test)]
mod tests {
    use domain::SiteCounts;

    use super::*;
    use crate::inventory::MockInventory;

    fn site(id: u64, slug: &str) -> Site {
        Site {
            id,
            slug: slug.into(),
            name: slug.to_uppercase(),
            status: "Active".into(),
            region: None,
            tenant: None,
            facility: None,
            physical_address: None,
            coordinates: None,
            description: None,
            url: format!("https://netbox.example.org/dcim/sites/{id}/"),
        }
    }

    fn inventory_of(n: u64) -> MockInventory {
        let mut inventory = MockInventory::new();
        let sites: Arc<[Site]> = (1..=n)
            .map(|id| site(id, &format!("site-{id:03}")))
            .collect();
        inventory.expect_sites().returning(move || {
            let sites = sites.clone();
            Box::pin(async move { Ok(sites) })
        });
        inventory
    }

    #[tokio::test]
    async fn details_read_the_matching_site_afresh_by_id() {
        let mut inventory = inventory_of(3);
        inventory
            .expect_site_details()
            .withf(|id| *id == 2)
            .times(1)
            .returning(|id| {
                Box::pin(async move {
                    Ok((
                        site(id, "site-002"),
                        SiteCounts {
                            devices: 4,
                            prefixes: 1,
                            circuits: 0,
                        },
                    ))
                })
            });
        let details = details(&inventory, "SITE-002").await.unwrap();
        assert_eq!(details.counts.devices, 4);
    }

    #[tokio::test]
    async fn an_unknown_site_names_the_closest_ones_and_reads_nothing_more() {
        let mut inventory = inventory_of(3);
        inventory.expect_site_details().never();
        let error = details(&inventory, "site-0O1").await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "no site named 'site-0O1' (closest: site-001, site-002, site-003)"
        );
    }

    #[tokio::test]
    async fn an_ambiguous_name_lists_the_candidates() {
        let mut inventory = inventory_of(3);
        inventory.expect_site_details().never();
        let error = details(&inventory, "site").await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "'site' matches several sites: site-001, site-002, site-003; say which"
        );
    }

    #[tokio::test]
    async fn completion_offers_at_most_25_choices() {
        let inventory = inventory_of(40);
        assert_eq!(
            complete(&inventory, "site").await.unwrap().len(),
            MAX_SUGGESTIONS
        );
        assert_eq!(
            complete(&inventory, "site-039").await.unwrap(),
            vec![("SITE-039".to_owned(), "site-039".to_owned())]
        );
    }
}
