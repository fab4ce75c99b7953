//! One pass at a time per Redmine and server on this host: a lock file in the temp dir,
//! named so that every build of the threader (any toolchain) agrees on it.

use std::fs::{File, TryLockError};
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use domain::GuildId;

/// The lock file's path for the Redmine at `redmine_url` and the server `guild`.
///
/// The name holds a 64-bit FNV-1a hash (offset basis `0xcbf29ce484222325`, prime
/// `0x100000001b3`) of the URL, a line break and the guild id in decimal, as 16 hex digits:
/// a fixed, published function, so two threaders built by different toolchains lock the same
/// file (std's `DefaultHasher` promises no such thing), and the URL (which may carry a
/// user name) does not appear in the temp dir.
#[must_use]
pub fn lock_path(redmine_url: &str, guild: GuildId) -> PathBuf {
    let key = format!("{redmine_url}\n{guild}");
    std::env::temp_dir().join(format!(
        "netbot-threader-{:016x}.lock",
        fnv1a(key.as_bytes())
    ))
}

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Takes the lock for `redmine_url` and `guild`: `None` when another pass holds it. The lock
/// lasts as long as the file returned.
///
/// # Errors
/// When the lock file cannot be opened or locked (not when it is busy).
pub fn lock(redmine_url: &str, guild: GuildId) -> Result<Option<File>> {
    let path = lock_path(redmine_url, guild);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(error)) => {
            bail!("cannot lock {}: {error}", path.display())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guild(id: u64) -> GuildId {
        GuildId::new(id).unwrap()
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn the_lock_name_is_fixed_for_a_redmine_and_a_server() {
        let path = lock_path(
            "https://redmine.example.org",
            guild(661_720_259_375_529_984),
        );
        assert_eq!(
            path.file_name().and_then(|name| name.to_str()),
            Some("netbot-threader-596f4fcde57502d6.lock")
        );
        assert_eq!(path.parent(), Some(std::env::temp_dir().as_path()));
    }

    #[test]
    fn another_redmine_or_server_has_another_lock() {
        let one = lock_path("https://redmine.example.org", guild(1));
        assert_ne!(one, lock_path("https://redmine.example.com", guild(1)));
        assert_ne!(one, lock_path("https://redmine.example.org", guild(2)));
    }

    #[test]
    fn a_second_lock_on_the_same_file_is_refused_until_the_first_is_dropped() {
        let url = format!("test://lock-{}", std::process::id());
        let first = lock(&url, guild(7)).unwrap();
        assert!(first.is_some());
        assert!(lock(&url, guild(7)).unwrap().is_none());
        drop(first);
        assert!(lock(&url, guild(7)).unwrap().is_some());
        let _ = std::fs::remove_file(lock_path(&url, guild(7)));
    }
}
