//! The command line's top-level grammar (clap derive): the global options, the list of commands and
//! `--json`. Each command group's own arguments and subcommands are in its file under `cmd/`, where
//! it is carried out.

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::cmd::accounts::{LoginArgs, LOGIN_EXAMPLES};
use crate::cmd::members::{MembersArgs, RoleCommand};
use crate::cmd::organizations::OrgCommand;
use crate::cmd::people::PeopleArgs;
use crate::cmd::roles::RolesArgs;
use crate::cmd::workspaces::WorkspaceCommand;

/// Shown at the end of `zpro --help`; kept in step with the constants in the crate root.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  other failure (server error, not found, cancelled, keyring unavailable, ...)
  2  invalid input (bad arguments or values; checked before any request)
  3  offline: the server could not be reached and nothing was changed
  4  unauthorized: not signed in, or the session expired and could not be renewed
  5  forbidden: your role does not allow it
  6  conflict: the target changed on the server since it was read (an undo after someone else's
     change, an offboarding plan the server no longer matches), or it exists already
  7  partial: `zpro sync` fetched some organizations and others failed (each is named; their
     cached data stays, marked stale)

Examples:
  zpro login --key-stdin < key.txt             sign in with a key (or no flag: in the browser)
  zpro sync                                    fetch everything into the offline cache
  zpro members --role \"Organization Admin\" --json
  zpro invite ana@example.com li@example.com --role \"Organization Member\"
  zpro invite ana@example.com --role \"Organization Member\" --workspace-role \"prod=Workspace Developer\" --team ml
  zpro --org orbit-labs invitations --all
  zpro people ana --json                       everyone named or mailed \"ana\", in every organization
  zpro person ana@example.com                  one person's organizations, roles and invitations
  zpro access-review --group acme-ml --group orbit-labs    admins, stale invitations, ... everywhere
  zpro export members --format csv --all-orgs -o members.csv
  zpro offboard ana@example.com --dry-run      what removing them everywhere would do (--yes does it)
  zpro invite ana@example.com --org acme --org orbit --role \"Organization Member\"
  zpro doctor                                  when something looks wrong: what differs, and where
  zpro log --failed                            the changes made from here that failed; `zpro undo ID`

Environment:
  ZENML_PRO_API_URL            the URL `login` uses without --url (default https://cloudapi.zenml.io)
  ZENML_PRO_DESKTOP_DATA_DIR   where the offline cache lives (default: the platform's app-data folder)
  RUST_LOG                     log detail on stderr (default warn)

Listings read the offline cache (fill it with `zpro sync`) and work without a network.
Keys and passwords: prefer `--key-stdin` / `--password-stdin` over arguments, which other
programs on this computer can see.";

/// Administer ZenML Pro organizations from a shell: sign in, sync, then list and change members,
/// invitations, roles and settings.
#[derive(Debug, Parser)]
#[command(name = "zpro", version, long_about = None, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Act as this account (its id, or the email it signed in with) instead of the active one.
    #[arg(long, global = true, value_name = "ID|EMAIL", help_heading = "Global options")]
    pub account: Option<String>,
    /// Act on this organization (its id or name) instead of the active one. `offboard` and `invite`
    /// take it several times, for several organizations; the other commands take one.
    #[arg(long, global = true, value_name = "ID|NAME", help_heading = "Global options", action = ArgAction::Append)]
    pub org: Vec<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in: in the browser (default), with a key, or with a username and password.
    #[command(after_help = LOGIN_EXAMPLES)]
    Login(LoginArgs),
    /// Sign out of the account: delete its keys and tokens from the keyring.
    Logout {
        /// Also delete the account's cached data.
        #[arg(long)]
        purge: bool,
    },
    /// List the accounts on this computer.
    Accounts(JsonFlag),
    /// Fetch every organization of the account, with its members, invitations, roles, teams and workspaces.
    Sync,
    /// List the account's organizations.
    Orgs(JsonFlag),
    /// Make an organization the active one (works offline).
    Switch {
        /// The organization's id or name.
        #[arg(value_name = "ORG")]
        org: String,
    },
    /// Show or change the organization.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// List the organization's members: users, service accounts, teams and pending invitations.
    Members(MembersArgs),
    /// Search everyone (users, service accounts, pending invitations) across every cached organization
    /// of every signed-in account, by name, email or username; one row per person, by email (offline).
    People(PeopleArgs),
    /// One person across every cached organization of every signed-in account: their kind, roles
    /// (direct or through a team), a pending invitation's teams, their invitations of every status
    /// and when each organization was fetched (offline; team membership and workspace grants are not
    /// cached).
    Person {
        /// The person's email address.
        #[arg(value_name = "EMAIL")]
        email: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// A review across every cached organization of every signed-in account (offline): admins and
    /// managers, service accounts with admin roles, custom roles, roles held only through a team,
    /// members marked inactive who still hold roles, stale and expired invitations, and with --group
    /// who is in only one organization of a group.
    AccessReview(crate::cmd::review::ReviewArgs),
    /// Export members, invitations, people or the access review as CSV or JSON, from the cache; every
    /// file says when its data was fetched.
    Export(crate::cmd::review::ExportArgs),
    /// Invite people to the organization, or with `--org A --org B` to each of several.
    ///
    /// To several organizations: one step per organization and email, each result printed as it
    /// completes, then what remains. A role, workspace or team missing in one organization fails that
    /// organization only; the others go ahead. Exit 0 when every step succeeded, else the code of the
    /// first failure.
    Invite {
        /// One or more email addresses.
        #[arg(value_name = "EMAIL", required = true)]
        emails: Vec<String>,
        /// The organization role to grant, by name (for example "Organization Member") or id; when the
        /// organization's roles are not visible to your role, give its id (the server checks it).
        #[arg(long, value_name = "NAME|ID")]
        role: String,
        /// Also a workspace role on a workspace, as WORKSPACE=ROLE (for example
        /// "acme-prod=Workspace Developer"); may be repeated.
        #[arg(long = "workspace-role", value_name = "WS=ROLE")]
        workspace_roles: Vec<String>,
        /// Also make them a member of this team (its name or id); may be repeated.
        #[arg(long = "team", value_name = "TEAM")]
        teams: Vec<String>,
    },
    /// Remove a person from every organization: their workspace and project roles, their teams, their
    /// membership and their pending invitations.
    ///
    /// Looks at every cached organization of every signed-in account (or those named with `--org`,
    /// repeatable; `--account` does not narrow it) and acts on each through the account best placed to.
    /// Roles and teams are read from the server for the plan. `--dry-run` prints the plan, what cannot
    /// be done, and what is out of this app's reach (tokens already issued, workspace-level keys); `--yes` carries it out, printing each step's
    /// result and then exactly what remains. A failed step is not retried and stops the rest of its
    /// organization; the other organizations carry on. Exit 0 when every step succeeded, else the code
    /// of the first failure.
    Offboard(crate::cmd::offboarding::OffboardArgs),
    /// List the organization's invitations (pending ones unless --all).
    Invitations {
        /// Include accepted, declined, revoked and expired invitations.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Revoke an invitation.
    Revoke {
        /// The invitation's id or email.
        #[arg(value_name = "INVITATION")]
        invitation: String,
    },
    /// Send an invitation again (revokes the pending one, invites with the same roles and teams).
    Resend {
        /// The invitation's id or email.
        #[arg(value_name = "INVITATION")]
        invitation: String,
    },
    /// Change a member's organization role.
    Role {
        #[command(subcommand)]
        command: RoleCommand,
    },
    /// Remove a member from the organization.
    Remove {
        /// The member's id, email, username or name.
        #[arg(value_name = "MEMBER")]
        member: String,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// List the organization's workspaces.
    Workspaces(JsonFlag),
    /// List the organization's teams.
    Teams(JsonFlag),
    /// List the organization's roles, or show who holds one (`roles show ROLE`).
    Roles(RolesArgs),
    /// Change a workspace's state, and see or change who holds roles on it.
    Workspace {
        #[command(subcommand)]
        command: WorkspaceCommand,
    },
    /// Create, rename, describe and delete teams; change who is in them and their organization role.
    Team {
        #[command(subcommand)]
        command: crate::cmd::teams::TeamCommand,
    },
    /// List the organization's service accounts (read from the server now); the same as
    /// `service-account list`.
    ServiceAccounts(JsonFlag),
    /// Create, activate, deactivate and delete service accounts; list, create, rotate, deactivate and
    /// delete their keys.
    #[command(after_help = crate::cmd::service_accounts::SERVICE_ACCOUNT_HELP)]
    ServiceAccount {
        #[command(subcommand)]
        command: crate::cmd::service_accounts::ServiceAccountCommand,
    },
    /// The activity log of every change made from this computer, newest first.
    ///
    /// Every change made by `zpro` or the window, with its account, organization, target, result and
    /// what it replaced. Local: works offline; `--account` and `--org` narrow it.
    #[command(after_help = crate::cmd::activity::LOG_HELP)]
    Log(crate::cmd::activity::LogArgs),
    /// Undo a logged change by its id (see `zpro log`).
    ///
    /// A role change restores the previous role, a revocation invites again with the same roles and
    /// teams, a removal gives back the previous roles (or invites with them), a rename restores the
    /// name, a service account or key activated or deactivated is set back. Refused (exit 2, or 1 for a conflict) when the entry failed, cannot be undone, was undone
    /// already, or its target changed since.
    Undo(crate::cmd::activity::UndoArgs),
    /// Check how well this app and the server get along: connection, clock, sign-in, one small read of
    /// each list, how the last sync read, and the server's published schema. Only reads. Exit 0 when all
    /// is well, 1 when a check warns or fails, 3 when the server cannot be reached.
    Doctor {
        /// Check this API URL instead of the account's (no sign-in checks then).
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
}

impl Command {
    /// Whether the command takes `--org` more than once.
    pub fn takes_many_orgs(&self) -> bool {
        matches!(self, Command::Offboard(_) | Command::Invite { .. })
    }
}

/// `--json` on a listing.
#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON: {"fetched_at", "stale", "last_error", "items": [...]}.
    #[arg(long)]
    pub json: bool,
}
