//! Generates the files the packages install beside the binaries, from the command lines' own
//! definitions (never written by hand): shell completions of `zpro` for bash, zsh and fish, and the
//! manual pages of `zpro` (one per subcommand too) and of `zenml-pro-desktop`.
//!
//! `cargo run --release -p zenml-pro-cli --example package-files -- <out dir>` writes
//! `<out>/completions/{zpro.bash,_zpro,zpro.fish}` and `<out>/man/*.1`. The packaging script runs it.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, Command, CommandFactory};
use clap_complete::Shell;

/// The desktop app's command line (it reads its few flags by hand; this describes them for its manual).
fn desktop_command() -> Command {
    Command::new("zenml-pro-desktop")
        .version(env!("CARGO_PKG_VERSION"))
        .about("ZenML Pro Desktop: administer ZenML Pro organizations from the desktop and the system tray")
        .long_about(
            "ZenML Pro Desktop signs in to a ZenML Pro control plane (in the browser, or with a key), keeps \
             every organization it has seen in a local cache so it stays viewable offline, and switches the \
             active organization from the system tray. Secrets stay in the OS keyring. `zpro` is its command line.",
        )
        .arg(Arg::new("demo").long("demo").action(ArgAction::SetTrue).help(
            "Start on the built-in emulator's demo data (no account, no network); also ZENML_PRO_DESKTOP_DEMO=1",
        ))
        .arg(
            Arg::new("hidden")
                .long("hidden")
                .action(ArgAction::SetTrue)
                .help("Start in the system tray without showing the window (what start at login launches)"),
        )
        .arg(
            Arg::new("tray-action")
                .long("tray-action")
                .value_name("ID")
                .help("Run a tray menu item in the running app (its id as the menu has it), for scripts"),
        )
        .arg(
            Arg::new("link")
                .value_name("LINK")
                .help("A zenml-pro-desktop://org/<id-or-name> link: open that organization"),
        )
        .after_help(
            "Environment: ZENML_PRO_API_URL, ZENML_PRO_URL, ZENML_PRO_KITARU_URL, ZENML_PRO_DESKTOP_DATA_DIR, \
             ZENML_PRO_DESKTOP_LOG_DIR, ZENML_PRO_CA_BUNDLE, ZENML_PRO_DESKTOP_GPU=1. \
             Data: the platform's app-data folder \
             (~/.local/share/zenmlprodesktop on Linux); the log: ~/.local/state/zenmlprodesktop/logs.",
        )
}

fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

fn man(cmd: Command, dir: &Path) -> std::io::Result<()> {
    let name = cmd.get_name().to_owned();
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    write(&dir.join(format!("{name}.1")), &page)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        // Leaked once per page: a generator that runs for a moment, and clap wants a static name.
        let full: &'static str = Box::leak(format!("{name}-{}", sub.get_name()).into_boxed_str());
        let sub = sub.clone().name(full);
        man(sub, dir)?;
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(std::env::args_os().nth(1).unwrap_or_else(|| "target/package-files".into()));
    let completions = out.join("completions");
    for (shell, file) in [(Shell::Bash, "zpro.bash"), (Shell::Zsh, "_zpro"), (Shell::Fish, "zpro.fish")] {
        let mut text = Vec::new();
        clap_complete::generate(shell, &mut zenml_pro_cli::args::Cli::command(), "zpro", &mut text);
        write(&completions.join(file), &text)?;
    }
    let man_dir = out.join("man");
    man(zenml_pro_cli::args::Cli::command(), &man_dir)?;
    man(desktop_command(), &man_dir)?;
    println!("{}", out.display());
    Ok(())
}
