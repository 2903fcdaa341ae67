//! The `zpro` binary: fills [`CliEnv`] from the real environment and runs the command line.

use std::sync::Arc;

use zenml_pro_cli::{run, CliEnv, EXIT_FAILURE};
use zenml_pro_core::{api::DEFAULT_BASE_URL, ClientSettings, OsKeyring};

/// The environment variable with the API's base URL `login` uses without `--url`.
const API_URL_ENV: &str = "ZENML_PRO_API_URL";

fn main() {
    let log = zenml_pro_core::logging::init("zpro", "warn");
    let data_dir = match zenml_pro_core::data_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(EXIT_FAILURE);
        }
    };
    let default_url = std::env::var(API_URL_ENV)
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or(DEFAULT_BASE_URL.to_owned());
    let secrets = Arc::new(OsKeyring::for_data_dir(&data_dir));
    let out_is_terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let env = CliEnv { data_dir, secrets, default_url, client: ClientSettings::from_env(), out_is_terminal };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: could not start: {e}");
            std::process::exit(EXIT_FAILURE);
        }
    };
    // Unlocked handles: log lines from other threads must not wait for the command to finish. The
    // command's future is on the heap: a main thread has 1 MiB of stack on Windows.
    let code = runtime.block_on(Box::pin(run(
        std::env::args_os(),
        env,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )));
    drop(runtime);
    // `exit` runs no destructors: flush the log file first.
    drop(log);
    std::process::exit(code);
}
