//! The `zenml-pro-emulator` binary: starts the emulator, prints one JSON line with its base URL, dialect,
//! control token and the demo credentials, logs to stderr, and runs until Ctrl+C or SIGTERM. See the library docs for routes.

use std::io::Write;
use std::time::Duration;

use clap::Parser;
use zenml_pro_emulator::{start, Dialect, EmulatorConfig};

/// Local emulator of the ZenML Pro cloud API, for demos and tests.
#[derive(Parser, Debug)]
#[command(name = "zenml-pro-emulator", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, default_value_t = 3600)]
    token_ttl: u64,
    /// Approve every device login request at its first poll.
    #[arg(long)]
    auto_approve: bool,
    /// Also generate N organizations (the first with 100*N members).
    #[arg(long)]
    scale: Option<u32>,
    /// Device-flow polling interval served to clients, in seconds.
    #[arg(long, default_value_t = 5)]
    device_interval: u64,
    /// How long a device code stays valid, in seconds.
    #[arg(long, default_value_t = 300)]
    device_code_ttl: u64,
    /// Which shapes to serve: `default` (the contract's) or `variant` (the variants clients must survive).
    #[arg(long, env = "ZENML_PRO_EMULATOR_DIALECT", default_value_t = Dialect::Default)]
    dialect: Dialect,
    /// Token the control routes (`/_emulator/...`) require in the `x-emulator-control` header; a random
    /// one when not given. Printed in the startup line either way.
    #[arg(long, env = "ZENML_PRO_EMULATOR_CONTROL_TOKEN", hide_env_values = true)]
    control_token: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let emulator = start(EmulatorConfig {
        port: args.port,
        token_ttl: Duration::from_secs(args.token_ttl),
        auto_approve: args.auto_approve,
        scale: args.scale,
        device_code_ttl: Duration::from_secs(args.device_code_ttl),
        device_poll_interval: args.device_interval,
        dialect: args.dialect,
        control_token: args.control_token,
        ..EmulatorConfig::default()
    })
    .await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", emulator.startup_line())?;
        out.flush()?;
    }
    wait_for_signal().await;
    tracing::info!("shutting down");
    emulator.shutdown().await;
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
