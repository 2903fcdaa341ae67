//! The grammar of `zpro service-account ...` (clap derive); carried out in
//! `commands::service_accounts`.

use clap::{Args, Subcommand};

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

// Each subcommand's arguments are a struct of their own: clap builds each in its own function, so
// no one stack frame holds them all (debug builds give every temporary its own slot).
#[derive(Debug, Subcommand)]
pub enum ServiceAccountCommand {
    /// List the service accounts: active or not, last login, number of keys and roles.
    List(JsonFlag),
    /// Create a service account (with no role yet). Says first what its username may adopt.
    Create(CreateArgs),
    /// Activate a service account again.
    Activate(AccountArgs),
    /// Deactivate a service account: its keys stop signing in.
    Deactivate(AccountArgs),
    /// Delete a service account with its keys (cannot be undone).
    Delete(DeleteArgs),
    /// List a service account's keys: active or not, last use, expiry.
    Keys(KeysArgs),
    /// Create a key; its secret is printed this once.
    KeyCreate(KeyCreateArgs),
    /// Rotate a key: a new secret, printed this once; the old one works for the retention period.
    KeyRotate(KeyRotateArgs),
    /// Activate a key again.
    KeyActivate(KeyArgs),
    /// Deactivate a key: it stops signing in.
    KeyDeactivate(KeyArgs),
    /// Delete a key (cannot be undone).
    KeyDelete(KeyDeleteArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Its username: letters, digits, '-', '_' and '.'.
    #[arg(value_name = "USERNAME")]
    pub username: String,
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Print the account as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AccountArgs {
    /// The account's name or id.
    #[arg(value_name = "ACCOUNT")]
    pub sa: String,
    /// Print the account as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The account's name or id.
    #[arg(value_name = "ACCOUNT")]
    pub sa: String,
    /// Really delete it (without it, nothing is sent).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    /// The account's name or id.
    #[arg(value_name = "ACCOUNT")]
    pub sa: String,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Args)]
pub struct KeyCreateArgs {
    /// The account's name or id.
    #[arg(value_name = "ACCOUNT")]
    pub sa: String,
    /// The key's name, unique for the account.
    #[arg(value_name = "NAME")]
    pub name: String,
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Minutes until it expires (default: never).
    #[arg(long, value_name = "MINUTES", value_parser = crate::numbers::expiry_minutes)]
    pub expires_in: Option<u64>,
    /// Print the key and its secret as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct KeyRotateArgs {
    /// The account's name or id.
    #[arg(value_name = "ACCOUNT")]
    pub sa: String,
    /// The key's name or id.
    #[arg(value_name = "KEY")]
    pub key: String,
    /// Minutes the old secret keeps working (default 0: it stops now).
    #[arg(long, value_name = "MINUTES", value_parser = crate::numbers::retain_minutes)]
    pub retain: Option<u64>,
    /// Print the key and its new secret as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    /// The account's name or id.
    #[arg(value_name = "ACCOUNT")]
    pub sa: String,
    /// The key's name or id.
    #[arg(value_name = "KEY")]
    pub key: String,
}

#[derive(Debug, Args)]
pub struct KeyDeleteArgs {
    /// The account's name or id.
    #[arg(value_name = "ACCOUNT")]
    pub sa: String,
    /// The key's name or id.
    #[arg(value_name = "KEY")]
    pub key: String,
    /// Really delete it (without it, nothing is sent).
    #[arg(long, short = 'y')]
    pub yes: bool,
}
