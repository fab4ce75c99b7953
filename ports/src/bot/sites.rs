//! `/site` and site autocomplete, from the inventory.

use domain::bot::replies;
use domain::render::discord;
use domain::{Member, Reply};

use super::{inventory_error, Bot};
use crate::directory::Directory;
use crate::inventory::Inventory;
use crate::sites;

impl<T, I: Inventory, D: Directory> Bot<T, I, D> {
    /// `/site [NAME]`: every site, or one in detail.
    pub async fn site(&self, member: &Member, name: &str) -> Reply {
        self.within("NetBox", async {
            if let Err(reply) = self.admit(member) {
                return reply;
            }
            let seconds = self.settings.timeout_seconds;
            if name.trim().is_empty() {
                return match sites::list(&self.inventory).await {
                    Ok(all) => Reply::public(replies::sites(&all)),
                    Err(error) => inventory_error(&error, seconds),
                };
            }
            match sites::details(&self.inventory, name).await {
                Ok(details) => Reply::public(discord::site_details(&details)),
                Err(error) => inventory_error(&error, seconds),
            }
        })
        .await
    }

    /// Site choices for what has been typed: `(name shown, value sent)`, at most 25.
    pub async fn complete_site(&self, typed: &str) -> Vec<(String, String)> {
        sites::complete(&self.inventory, typed)
            .await
            .unwrap_or_default()
    }
}
