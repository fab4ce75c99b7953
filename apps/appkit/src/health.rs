//! The health endpoint as every long-running binary runs it (`threader --every`, `netbot
//! run`), on `NETBOT_HEALTH_ADDR`, and the `health` subcommand that probes it (a container's
//! healthcheck: the image has no curl).

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context as _;
use ports::threader::CancellationToken;

pub use health::{Health, Needs};

use crate::{failed, usage, Failure};

/// Serves `health`'s `/healthz` and `/metrics` on `NETBOT_HEALTH_ADDR` until `stop` is
/// cancelled, when the variable is set; returns the address bound, or `None` when unset.
///
/// # Errors
/// A settings failure (exit 2) naming the variable when it is not an address; a failure
/// (exit 1) when the address cannot be listened on (in use, not this host's).
pub async fn serve(
    health: &Health,
    stop: CancellationToken,
) -> Result<Option<SocketAddr>, Failure> {
    let Some(addr) = crate::settings::health_addr().map_err(usage)? else {
        return Ok(None);
    };
    let bound = health
        .serve(addr, stop)
        .await
        .with_context(|| format!("serving health on {}", crate::settings::HEALTH_ADDR))
        .map_err(failed)?;
    tracing::info!(addr = %bound, "serving /healthz and /metrics");
    Ok(Some(bound))
}

/// `PROGRAM health`: asks `/healthz` on `NETBOT_HEALTH_ADDR` and prints its line (`ok`, or
/// why not). Exit status 0 healthy, 1 unhealthy or nothing answering, 2 when the variable is
/// unset or not an address.
pub async fn probe_command(program: &str) -> ExitCode {
    let addr = match crate::settings::health_addr() {
        Ok(Some(addr)) => addr,
        Ok(None) => {
            let unset = anyhow::anyhow!(
                "{} is not set: it names the address that `netbot run` and `threader --every` serve health on",
                crate::settings::HEALTH_ADDR
            );
            return crate::finish(program, Err(usage(unset)));
        }
        Err(error) => return crate::finish(program, Err(usage(error))),
    };
    match health::probe(addr).await {
        Ok(()) => crate::finish(program, crate::print("ok")),
        Err(why) => {
            let printed = crate::print(&why);
            match printed {
                Ok(()) => ExitCode::from(1),
                Err(failure) => crate::finish(program, Err(failure)),
            }
        }
    }
}
