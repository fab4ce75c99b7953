//! Mapping NetBox's wire types to domain types, at the boundary and nowhere else.

use domain::{Site, SiteCounts};
use url::Url;

use crate::dto::SiteDto;

/// Empty strings mean "not set" in NetBox.
fn optional(text: Option<String>) -> Option<String> {
    text.map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// A site's web page: the API URL without `/api`, i.e. `BASE/dcim/sites/N/`.
pub(crate) fn site_url(web_base: &Url, id: u64) -> String {
    web_base
        .join(&format!("dcim/sites/{id}/"))
        .map_or_else(|_| format!("{web_base}dcim/sites/{id}/"), String::from)
}

pub(crate) fn site(dto: SiteDto, web_base: &Url) -> Site {
    let status = dto.status.map_or_else(String::new, |status| {
        if status.label.is_empty() {
            status.value
        } else {
            status.label
        }
    });
    Site {
        url: site_url(web_base, dto.id),
        id: dto.id,
        slug: dto.slug,
        name: dto.name,
        status,
        region: dto
            .region
            .map(|region| region.name)
            .filter(|name| !name.is_empty()),
        tenant: dto
            .tenant
            .map(|tenant| tenant.name)
            .filter(|name| !name.is_empty()),
        facility: optional(dto.facility),
        physical_address: optional(dto.physical_address),
        coordinates: dto.latitude.zip(dto.longitude),
        description: optional(dto.description),
    }
}

/// The counts a full site object carries, when it carries all three.
pub(crate) fn counts(dto: &SiteDto) -> Option<SiteCounts> {
    Some(SiteCounts {
        devices: dto.device_count?,
        prefixes: dto.prefix_count?,
        circuits: dto.circuit_count?,
    })
}
