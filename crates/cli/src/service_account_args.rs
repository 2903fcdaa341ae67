//! The grammar of `zpro service-account ...` (clap derive); carried out in
//! `commands::service_accounts`.

use clap::Subcommand;

use crate::args::JsonFlag;

pub const SERVICE_ACCOUNT_HELP: &str = "\
Service accounts are read from the server, never cached. Give one roles and teams with the usual
commands, by its name: `zpro role set autobot \"Organization Viewer\"`, `zpro team add ml autobot`.
A key's secret is printed once, when it is created or rotated, and is stored nowhere: keep it then.
Deactivating or deleting an account or a key leaves tokens already issued valid for up to an hour.

Examples:
  zpro service-account list
  zpro service-account create autobot --description \"CI pipelines\"
  zpro service-account key-create autobot ci --expires-in 43200
  zpro service-account key-rotate autobot ci --retain 60
  zpro service-account deactivate autobot";

#[derive(Debug, Subcommand)]
pub enum ServiceAccountCommand {
    /// List the service accounts: active or not, last login, number of keys and roles.
    List(JsonFlag),
    /// Create a service account (with no role yet). Says first what its username may adopt.
    Create {
        /// Its username: letters, digits, '-', '_' and '.'.
        #[arg(value_name = "USERNAME")]
        username: String,
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        /// Print the account as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Activate a service account again.
    Activate {
        /// The account's name or id.
        #[arg(value_name = "ACCOUNT")]
        sa: String,
        #[arg(long)]
        json: bool,
    },
    /// Deactivate a service account: its keys stop signing in.
    Deactivate {
        /// The account's name or id.
        #[arg(value_name = "ACCOUNT")]
        sa: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a service account with its keys (cannot be undone).
    Delete {
        /// The account's name or id.
        #[arg(value_name = "ACCOUNT")]
        sa: String,
        /// Really delete it (without it, nothing is sent).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// List a service account's keys: active or not, last use, expiry.
    Keys {
        /// The account's name or id.
        #[arg(value_name = "ACCOUNT")]
        sa: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Create a key; its secret is printed this once.
    KeyCreate {
        /// The account's name or id.
        #[arg(value_name = "ACCOUNT")]
        sa: String,
        /// The key's name, unique for the account.
        #[arg(value_name = "NAME")]
        name: String,
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        /// Minutes until it expires (default: never).
        #[arg(long, value_name = "MINUTES")]
        expires_in: Option<u64>,
        /// Print the key and its secret as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rotate a key: a new secret, printed this once; the old one works for the retention period.
    KeyRotate {
        /// The account's name or id.
        #[arg(value_name = "ACCOUNT")]
        sa: String,
        /// The key's name or id.
        #[arg(value_name = "KEY")]
        key: String,
        /// Minutes the old secret keeps working (default 0: it stops now).
        #[arg(long, value_name = "MINUTES")]
        retain: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Activate a key again.
    KeyActivate {
        #[arg(value_name = "ACCOUNT")]
        sa: String,
        #[arg(value_name = "KEY")]
        key: String,
    },
    /// Deactivate a key: it stops signing in.
    KeyDeactivate {
        #[arg(value_name = "ACCOUNT")]
        sa: String,
        #[arg(value_name = "KEY")]
        key: String,
    },
    /// Delete a key (cannot be undone).
    KeyDelete {
        #[arg(value_name = "ACCOUNT")]
        sa: String,
        #[arg(value_name = "KEY")]
        key: String,
        /// Really delete it (without it, nothing is sent).
        #[arg(long, short = 'y')]
        yes: bool,
    },
}
