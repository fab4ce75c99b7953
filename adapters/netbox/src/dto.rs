//! NetBox's REST JSON, as it arrives: private to the adapter, mapped in `convert`.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A page of any list: `{count, next, previous, results}`.
#[derive(Debug, Deserialize)]
pub(crate) struct Page<T> {
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default = "Vec::new")]
    pub results: Vec<T>,
}

/// A choice field: `{"value": "active", "label": "Active"}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ChoiceDto {
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub label: String,
}

/// A nested object (region, tenant): only its name is used.
#[derive(Debug, Deserialize)]
pub(crate) struct NestedDto {
    #[serde(default)]
    pub name: String,
}

/// A site, full or brief: the counts and optional fields are absent in brief mode.
#[derive(Debug, Deserialize)]
pub(crate) struct SiteDto {
    pub id: u64,
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub status: Option<ChoiceDto>,
    #[serde(default)]
    pub region: Option<NestedDto>,
    #[serde(default)]
    pub tenant: Option<NestedDto>,
    #[serde(default)]
    pub facility: Option<String>,
    #[serde(default)]
    pub physical_address: Option<String>,
    #[serde(default, deserialize_with = "decimal")]
    pub latitude: Option<f64>,
    #[serde(default, deserialize_with = "decimal")]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub device_count: Option<u64>,
    #[serde(default)]
    pub prefix_count: Option<u64>,
    #[serde(default)]
    pub circuit_count: Option<u64>,
}

/// A count-only query's answer: `?limit=1` and read `count`.
#[derive(Debug, Deserialize)]
pub(crate) struct CountDto {
    pub count: u64,
}

/// NetBox writes decimals as numbers, and some versions as strings.
fn decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    })
}
