//! `zpro`: the ZenML Pro Desktop app on the command line.
//!
//! A thin front end over [`zenml_pro_core`]: it parses the arguments, calls one [`Core`] function and
//! prints the result. Everything it can do, the desktop window can do through the same core calls, so
//! every capability is scriptable and testable from a shell. Listings read the offline cache (filled by
//! `zpro sync`) and work without a network; every listing has `--json` with stable field names (see
//! [`output`]); exit codes tell apart the kinds of failure (the constants below, also in `zpro --help`).
//!
//! [`run`] is the whole program with its environment passed in ([`CliEnv`]: data directory, keyring,
//! default URL), so tests drive it in-process against the emulator with a temp-dir cache and an
//! in-memory keyring; `main.rs` only fills [`CliEnv`] from the real environment.
//!
//! ## Where things are
//! [`args`] has the top-level grammar ([`args::Cli`], [`args::Command`]); `dispatch` hands each
//! command to its group's file under [`cmd`] (`cmd/<group>.rs`: its arguments and subcommands, its run
//! functions and its JSON item types); [`output`] has what they all print with.
//!
//! ## Adding a command
//! 1. Add a variant (with its doc comment, which becomes its help) to [`args::Command`]; arguments
//!    beyond a flag or two are a struct (or a subcommand enum) in the group's file under [`cmd`].
//! 2. Handle it in `dispatch` with the group's function, which makes one core call. If the logic is
//!    more than parse, call, print, it belongs in core.
//! 3. A listing gets `--json` ([`args::JsonFlag`]) and an item struct in its group's file with
//!    documented, stable field names; human output is an [`output::table`] followed by the freshness
//!    lines.
//! 4. Add an integration test in `tests/` against the emulator.
#![doc = include_str!("../../../docs/concerns.md")]

pub mod args;
pub mod cmd;
pub mod numbers;
pub mod output;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use zenml_pro_core::{ClientSettings, Core, CoreError, CoreOptions, ErrorCode, SecretStore};

use args::Command;
use cmd::members::RoleCommand;
use cmd::roles::RolesArgs;
use cmd::{
    accounts, activity, doctor, invitations, members, offboarding, organizations, people, review, roles,
    service_accounts, sync, teams, workspaces, Ctx, Res,
};

/// Success.
pub const EXIT_OK: i32 = 0;
/// Any failure not listed below (server error, not found, conflict, cancelled, no keyring, ...).
pub const EXIT_FAILURE: i32 = 1;
/// Invalid input: bad arguments (also clap's usage errors) or values refused before or by the server.
pub const EXIT_INVALID_INPUT: i32 = 2;
/// The server could not be reached; nothing was changed.
pub const EXIT_OFFLINE: i32 = 3;
/// Not signed in, or the session expired and could not be renewed.
pub const EXIT_UNAUTHORIZED: i32 = 4;
/// The account's role does not allow it.
pub const EXIT_FORBIDDEN: i32 = 5;
/// A conflict: the target changed on the server since it was read (an undo after someone else's
/// change, a plan the server no longer matches), or it already exists.
pub const EXIT_CONFLICT: i32 = 6;
/// Partly done: `zpro sync` fetched some organizations, and others failed (each is named; their
/// cached data stays, marked stale).
pub const EXIT_PARTIAL: i32 = 7;

/// The exit code of a core error.
pub fn exit_code(code: ErrorCode) -> i32 {
    match code {
        ErrorCode::InvalidInput => EXIT_INVALID_INPUT,
        ErrorCode::Offline => EXIT_OFFLINE,
        ErrorCode::Unauthorized => EXIT_UNAUTHORIZED,
        ErrorCode::Forbidden => EXIT_FORBIDDEN,
        ErrorCode::Conflict => EXIT_CONFLICT,
        ErrorCode::NotFound
        | ErrorCode::RateLimited
        | ErrorCode::PlanLimit
        | ErrorCode::KeyringUnavailable
        | ErrorCode::Server
        | ErrorCode::Cancelled
        | ErrorCode::Internal => EXIT_FAILURE,
    }
}

/// What the program needs from its surroundings.
pub struct CliEnv {
    /// Where the cache lives.
    pub data_dir: PathBuf,
    /// Where keys and tokens live: the OS keyring, or an in-memory one in tests.
    pub secrets: Arc<dyn SecretStore>,
    /// The base URL `login` uses without `--url`.
    pub default_url: String,
    pub client: ClientSettings,
    /// Whether standard output is a terminal: CSV printed there loses its control characters.
    pub out_is_terminal: bool,
}

/// Runs `zpro` with these arguments (the first is the program name) and returns its exit code. Output
/// goes to `out`, messages, progress and errors to `err`.
pub async fn run(
    args: impl IntoIterator<Item = OsString>,
    env: CliEnv,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout and succeed; usage errors go to stderr and exit 2.
            let text = e.render().to_string();
            let target: &mut dyn Write = if e.use_stderr() { err } else { out };
            let _ = write!(target, "{text}");
            return e.exit_code();
        }
    };
    if cli.org.len() > 1 && !cli.command.takes_many_orgs() {
        let _ = writeln!(
            err,
            "error: --org was given {} times, but this command acts on one organization: give one \
             (only offboard and invite take several)",
            cli.org.len()
        );
        return EXIT_INVALID_INPUT;
    }
    let options = CoreOptions {
        data_dir: env.data_dir.clone(),
        secrets: env.secrets.clone(),
        client: env.client.clone(),
    };
    // A listing never waits on a writer (the window, a sync) in another process.
    let opened = if reads_only(&cli.command) { Core::open_read_only(options) } else { Core::open(options) };
    let (core, notice) = match opened {
        Ok(opened) => opened,
        Err(e) => return report(err, &e),
    };
    if let Some(notice) = notice {
        let _ = writeln!(err, "notice: {notice}");
    }
    let org = cli.org.first().cloned();
    let mut ctx = Ctx { core, env: &env, account: cli.account, org, orgs: cli.org, out, err };
    let code = match dispatch(&mut ctx, cli.command).await {
        Ok(code) => code,
        Err(e) => report(ctx.err, &e),
    };
    // A write the server took but the cache could not record: done, and said so.
    for note in ctx.core.take_write_notes() {
        let _ = writeln!(ctx.err, "note: {note}");
    }
    code
}

/// Carries out a command: one call to its group's function in `cmd`.
async fn dispatch(ctx: &mut Ctx<'_>, command: Command) -> Res {
    match command {
        Command::Login(args) => accounts::login(ctx, args).await,
        Command::Logout { purge } => accounts::logout(ctx, purge).await,
        Command::Accounts(f) => accounts::accounts(ctx, f),
        Command::Sync => sync::sync(ctx).await,
        Command::Orgs(f) => organizations::orgs(ctx, f),
        Command::Switch { org } => organizations::switch(ctx, &org).await,
        Command::Org { command } => organizations::org(ctx, command).await,
        Command::Members(args) => members::members(ctx, args),
        Command::People(args) => people::people(ctx, args),
        Command::Person { email, json } => people::person(ctx, &email, json.json),
        Command::AccessReview(args) => review::access_review(ctx, args),
        Command::Export(args) => review::export(ctx, args),
        Command::Invite { emails, role, workspace_roles, teams } if ctx.orgs.len() > 1 => {
            offboarding::invite_many(ctx, &emails, role, &workspace_roles, teams).await
        }
        Command::Invite { emails, role, workspace_roles, teams } => {
            invitations::invite(ctx, &emails, role, &workspace_roles, teams).await
        }
        Command::Offboard(args) => offboarding::offboard(ctx, args).await,
        Command::Invitations { all, json } => invitations::invitations(ctx, all, json),
        Command::Revoke { invitation } => invitations::revoke(ctx, &invitation).await,
        Command::Resend { invitation } => invitations::resend(ctx, &invitation).await,
        Command::Role { command: RoleCommand::Set { member, role } } => {
            members::role_set(ctx, &member, &role).await
        }
        Command::Remove { member, yes } => members::remove(ctx, &member, yes).await,
        Command::Workspaces(f) => workspaces::workspaces(ctx, f),
        Command::Teams(f) => teams::teams(ctx, f),
        Command::Roles(RolesArgs { command: None, json }) => roles::roles(ctx, json),
        Command::Roles(RolesArgs { command: Some(c), .. }) => roles::roles_command(ctx, c).await,
        Command::Workspace { command } => workspaces::workspace(ctx, command).await,
        Command::Doctor { url, json } => doctor::doctor(ctx, url, json).await,
        Command::Team { command } => teams::team(ctx, command).await,
        Command::ServiceAccounts(f) => Box::pin(service_accounts::list(ctx, f)).await,
        // Boxed, as its writes' futures are large: the dispatch's own future stays small.
        Command::ServiceAccount { command } => {
            Box::pin(service_accounts::service_account(ctx, command)).await
        }
        Command::Log(args) => activity::log(ctx, args),
        Command::Undo(args) => activity::undo(ctx, args).await,
    }
}

/// Whether a command only reads the cache (listings, the log, the access review, an export), so the
/// cache is opened read-only, without the write lock.
fn reads_only(command: &Command) -> bool {
    use Command as C;
    matches!(
        command,
        C::Accounts(_)
            | C::Orgs(_)
            | C::Members(_)
            | C::People(_)
            | C::Person { .. }
            | C::AccessReview(_)
            | C::Export(_)
            | C::Invitations { .. }
            | C::Workspaces(_)
            | C::Teams(_)
            | C::Roles(RolesArgs { command: None, .. })
            | C::Log(_)
    )
}

/// Prints an error as one line `error: <message>`, its field messages indented below, and returns
/// its exit code. Core's messages never carry a secret.
pub(crate) fn report(err: &mut dyn Write, e: &CoreError) -> i32 {
    let _ = writeln!(err, "error: {}", output::clean(&e.message));
    for f in &e.fields {
        let _ = writeln!(err, "  {}: {}", output::clean(&f.field), output::clean(&f.message));
    }
    exit_code(e.code)
}
