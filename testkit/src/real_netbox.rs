//! A real NetBox for contract tests: found through `NETBOX_CONTRACT_URL`,
//! `NETBOX_CONTRACT_TOKEN` (classic) and `NETBOX_CONTRACT_TOKEN_V2` (set by
//! `scripts/netbox/start.sh`), seeded through its REST API once per test process.

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{json, Value};

/// Filler sites created per run, so that the site list is longer than one page of 1000.
pub const FILLER_SITES: u64 = 1100;

/// What the seeding created.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The server's base URL.
    pub url: String,
    /// A classic (v1) token with write access.
    pub token: String,
    /// A v2 (`nbt_…`) token, when the server made one.
    pub token_v2: Option<String>,
    /// A suffix that makes this run's names unique.
    pub run: String,
    /// The slug of the fully described site.
    pub full_slug: String,
    /// Its id.
    pub full_id: u64,
    /// The slug of the site with no optional fields.
    pub bare_slug: String,
    /// Devices created at the full site.
    pub devices: u64,
    /// Prefixes scoped to the full site.
    pub prefixes: u64,
    /// Circuits terminating at the full site.
    pub circuits: u64,
}

/// The seeded real NetBox, or `None` when none is configured (never under `CI=true`).
///
/// # Panics
/// Under `CI=true` when no server is configured, and whenever seeding fails.
pub fn seeded() -> Option<&'static Seed> {
    static SEED: OnceLock<Result<Seed, String>> = OnceLock::new();
    let token_v2 = std::env::var("NETBOX_CONTRACT_TOKEN_V2")
        .ok()
        .filter(|token| !token.is_empty());
    crate::seed_once(
        &SEED,
        "NetBox",
        "scripts/netbox/start.sh",
        &["NETBOX_CONTRACT_URL", "NETBOX_CONTRACT_TOKEN"],
        |mut values| async move {
            let token = values.pop().unwrap_or_default();
            let url = values.pop().unwrap_or_default();
            seed(url, token, token_v2).await
        },
    )
}

struct Writer {
    http: reqwest::Client,
    api: String,
    token: String,
}

impl Writer {
    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        let response = self
            .http
            .post(format!("{}/{path}", self.api))
            .header("Authorization", format!("Token {}", self.token))
            .header("Accept", "application/json")
            .json(&body)
            .send()
            .await
            .map_err(|error| format!("POST {path}: {error}"))?;
        let status = response.status();
        let text = response.text().await.map_err(|error| error.to_string())?;
        if !status.is_success() {
            return Err(format!("POST {path}: HTTP {status}: {text}"));
        }
        serde_json::from_str(&text).map_err(|error| format!("POST {path}: {error}"))
    }

    async fn create(&self, path: &str, body: Value) -> Result<u64, String> {
        let created = self.post(path, body).await?;
        created["id"]
            .as_u64()
            .ok_or_else(|| format!("POST {path}: no id in {created}"))
    }
}

async fn seed(url: String, token: String, token_v2: Option<String>) -> Result<Seed, String> {
    let writer = Writer {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|error| error.to_string())?,
        api: format!("{}/api", url.trim_end_matches('/')),
        token: token.clone(),
    };
    let run = crate::run_suffix();
    let named = |prefix: &str| json!({ "name": format!("{prefix} {run}"), "slug": format!("{}-{run}", prefix.to_lowercase().replace(' ', "-")) });
    let region = writer.create("dcim/regions/", named("Region")).await?;
    let tenant = writer.create("tenancy/tenants/", named("Tenant")).await?;
    let full_slug = format!("othello-{run}");
    let full_id = writer
        .create(
            "dcim/sites/",
            json!({
                "name": format!("Othello {run}"), "slug": full_slug, "status": "active",
                "region": region, "tenant": tenant, "facility": "Rooftop",
                "physical_address": "7100 Martin Luther King Jr Way S, Seattle",
                "latitude": 47.5373, "longitude": -122.2817,
                "description": "Contract test site"
            }),
        )
        .await?;
    let bare_slug = format!("bare-{run}");
    writer
        .create(
            "dcim/sites/",
            json!({ "name": format!("Bare {run}"), "slug": bare_slug }),
        )
        .await?;
    let manufacturer = writer.create("dcim/manufacturers/", named("Maker")).await?;
    let device_type = writer
        .create(
            "dcim/device-types/",
            json!({ "manufacturer": manufacturer, "model": format!("Radio {run}"), "slug": format!("radio-{run}") }),
        )
        .await?;
    let role = writer
        .create(
            "dcim/device-roles/",
            json!({ "name": format!("Role {run}"), "slug": format!("role-{run}"), "color": "2196f3" }),
        )
        .await?;
    let devices = 3;
    for n in 0..devices {
        writer
            .create(
                "dcim/devices/",
                json!({ "name": format!("radio-{run}-{n}"), "device_type": device_type, "role": role, "site": full_id }),
            )
            .await?;
    }
    let prefixes = 2;
    // NetBox refuses a prefix already in its global table, and the server outlives a run:
    // IPv6 prefixes built from the whole run suffix are unique to the run (an IPv4 octet from
    // it collided after a few runs).
    let number = run.parse::<u64>().unwrap_or_default();
    for n in 0..prefixes {
        let prefix = format!(
            "fd00:{:x}:{:x}:{n:x}::/64",
            (number >> 16) & 0xffff,
            number & 0xffff
        );
        writer
            .create(
                "ipam/prefixes/",
                json!({ "prefix": prefix, "scope_type": "dcim.site", "scope_id": full_id }),
            )
            .await?;
    }
    let provider = writer
        .create("circuits/providers/", named("Provider"))
        .await?;
    let circuit_type = writer
        .create("circuits/circuit-types/", named("Backhaul"))
        .await?;
    let circuit = writer
        .create(
            "circuits/circuits/",
            json!({ "cid": format!("CID-{run}"), "provider": provider, "type": circuit_type }),
        )
        .await?;
    writer
        .create(
            "circuits/circuit-terminations/",
            json!({ "circuit": circuit, "term_side": "A", "termination_type": "dcim.site", "termination_id": full_id }),
        )
        .await?;
    let fillers: Vec<Value> = (0..FILLER_SITES)
        .map(|n| json!({ "name": format!("Filler {run} {n:04}"), "slug": format!("filler-{run}-{n:04}") }))
        .collect();
    writer.post("dcim/sites/", Value::Array(fillers)).await?;
    Ok(Seed {
        url,
        token,
        token_v2,
        run,
        full_slug,
        full_id,
        bare_slug,
        devices,
        prefixes,
        circuits: 1,
    })
}
