//! `zpro service-account ...` (and `zpro service-accounts`): service accounts and their keys, read
//! from the server and changed through core's write pipeline: their grammar (clap derive) and carrying
//! them out. A key's secret is printed once, on stdout (with `--json`, in the JSON), and nowhere else:
//! not on stderr, not in the journal.

use chrono::Utc;
use clap::{Args, Subcommand};
use serde::Serialize;
use uuid::Uuid;
use zenml_pro_core::{ApiKeyRow, CoreError, NewKey, ServiceAccountRow, TOKENS_OUTLIVE};

use self::ServiceAccountCommand as C;
use super::{Ctx, Res, View};
use crate::args::JsonFlag;
use crate::output::{clean, date, Freshness};
use crate::EXIT_OK;

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

/// One row of `service-account list --json` (and `service-accounts --json`).
#[derive(Clone, Debug, Serialize)]
pub struct ServiceAccountItem {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub active: Option<bool>,
    pub last_login: Option<chrono::DateTime<Utc>>,
    pub key_count: Option<u32>,
    pub roles: Vec<String>,
}

impl ServiceAccountItem {
    fn new(s: &ServiceAccountRow) -> Self {
        Self {
            id: s.id,
            name: s.name.clone(),
            description: s.description.clone(),
            active: s.active,
            last_login: s.last_login,
            key_count: s.key_count,
            roles: s.roles.clone(),
        }
    }
}

/// One row of `service-account keys --json`.
#[derive(Clone, Debug, Serialize)]
pub struct KeyItem {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub active: Option<bool>,
    pub last_used: Option<chrono::DateTime<Utc>>,
    pub expires: Option<chrono::DateTime<Utc>>,
    pub created: Option<chrono::DateTime<Utc>>,
}

impl KeyItem {
    fn new(k: &ApiKeyRow) -> Self {
        Self {
            id: k.id,
            name: k.name.clone(),
            description: k.description.clone(),
            active: k.active,
            last_used: k.last_used,
            expires: k.expires,
            created: k.created,
        }
    }
}

/// `--json` of a key just created or rotated: the key, and its secret (this once).
#[derive(Serialize)]
struct IssuedItem<'a> {
    key: KeyItem,
    secret: &'a str,
}

fn yes_no(active: Option<bool>) -> String {
    match active {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
    .to_owned()
}

fn live(skipped: usize, hidden: bool) -> Freshness {
    Freshness { fetched_at: Some(Utc::now()), stale: false, last_error: None, local: false, hidden, skipped }
}

fn print_json<T: Serialize>(ctx: &mut Ctx<'_>, value: &T) -> Res {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))?;
    say!(ctx.out, "{text}");
    Ok(EXIT_OK)
}

/// `zpro service-accounts` and `zpro service-account list`.
pub(crate) async fn list(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let listed = ctx.core.service_accounts(&account.id, org_id).await?;
    if !listed.offered && !f.json {
        say!(ctx.out, "Not offered: {}.", listed.reason.as_deref().map(clean).unwrap_or_default());
        return Ok(EXIT_OK);
    }
    let items: Vec<ServiceAccountItem> = listed.items.iter().map(ServiceAccountItem::new).collect();
    ctx.listing(
        f.json,
        &live(listed.skipped, !listed.offered),
        items,
        None,
        View {
            header: &["NAME", "ACTIVE", "LAST LOGIN", "KEYS", "ROLES", "ID"],
            row: &|s| {
                vec![
                    clean(&s.name),
                    yes_no(s.active),
                    date(s.last_login),
                    s.key_count.map_or_else(|| "-".to_owned(), |n| n.to_string()),
                    if s.roles.is_empty() { "-".to_owned() } else { clean(&s.roles.join(", ")) },
                    s.id.to_string(),
                ]
            },
            empty: "No service accounts.",
        },
    )
}

/// Prints a key just created or rotated, with its secret: the one place it is ever shown.
fn print_issued(ctx: &mut Ctx<'_>, json: bool, account: &str, new: &NewKey, done: &str) -> Res {
    if json {
        return print_json(ctx, &IssuedItem { key: KeyItem::new(&new.key), secret: new.secret.reveal() });
    }
    say!(ctx.out, "{done} key {} of {} ({}).", clean(&new.key.name), clean(account), new.key.id);
    say!(ctx.out, "Its secret, shown this once (it is stored nowhere; keep it now):");
    say!(ctx.out, "{}", new.secret.reveal());
    Ok(EXIT_OK)
}

/// Refuses a deletion not confirmed with `--yes`; nothing is sent.
fn confirm(yes: bool, what: String) -> Result<(), CoreError> {
    if yes {
        return Ok(());
    }
    Err(CoreError::invalid(format!("deleting {what} cannot be undone; pass --yes to delete it"), Vec::new()))
}

async fn set_active(
    ctx: &mut Ctx<'_>,
    a: &str,
    org_id: Uuid,
    account: &str,
    active: bool,
    json: bool,
) -> Res {
    let row = ctx.core.set_service_account_active(a, org_id, account, active).await?;
    if json {
        return print_json(ctx, &ServiceAccountItem::new(&row));
    }
    let state = if active { "activated" } else { "deactivated" };
    say!(ctx.out, "Service account {} {state}.", clean(&row.name));
    if !active {
        say!(ctx.out, "{TOKENS_OUTLIVE}");
    }
    Ok(EXIT_OK)
}

async fn set_key_active(
    ctx: &mut Ctx<'_>,
    a: &str,
    org_id: Uuid,
    account: &str,
    key: &str,
    active: bool,
) -> Res {
    let row = ctx.core.set_api_key_active(a, org_id, account, key, active).await?;
    let state = if active { "activated" } else { "deactivated" };
    say!(ctx.out, "Key {} of {} {state}.", clean(&row.name), clean(account));
    if !active {
        say!(ctx.out, "{TOKENS_OUTLIVE}");
    }
    Ok(EXIT_OK)
}

pub(crate) async fn service_account(ctx: &mut Ctx<'_>, command: C) -> Res {
    let (me, org_id) = ctx.account_and_org()?;
    let a = me.id.as_str();
    match command {
        C::List(f) => list(ctx, f).await,
        C::Create(CreateArgs { username, description, json }) => {
            // Said before anything is sent.
            let _ = writeln!(ctx.err, "Note: {}", ctx.core.adoption_note(&username));
            let made = ctx.core.create_service_account(a, org_id, &username, description.as_deref()).await?;
            if json {
                return print_json(ctx, &ServiceAccountItem::new(&made));
            }
            say!(
                ctx.out,
                "Created service account {} ({}). It holds no role yet.",
                clean(&made.name),
                made.id
            );
            Ok(EXIT_OK)
        }
        C::Activate(AccountArgs { sa, json }) => set_active(ctx, a, org_id, &sa, true, json).await,
        C::Deactivate(AccountArgs { sa, json }) => set_active(ctx, a, org_id, &sa, false, json).await,
        C::Delete(DeleteArgs { sa, yes }) => {
            confirm(yes, format!("service account {} and its keys", clean(&sa)))?;
            ctx.core.delete_service_account(a, org_id, &sa).await?;
            say!(ctx.out, "Deleted service account {} and its keys.", clean(&sa));
            say!(ctx.out, "{TOKENS_OUTLIVE}");
            Ok(EXIT_OK)
        }
        C::Keys(KeysArgs { sa, json }) => {
            let keys = ctx.core.api_keys(a, org_id, &sa).await?;
            let items: Vec<KeyItem> = keys.iter().map(KeyItem::new).collect();
            let empty = format!("{} has no keys.", clean(&sa));
            ctx.listing(
                json.json,
                &live(0, false),
                items,
                None,
                View {
                    header: &["NAME", "ACTIVE", "LAST USED", "EXPIRES", "CREATED", "ID"],
                    row: &|k| {
                        vec![
                            clean(&k.name),
                            yes_no(k.active),
                            date(k.last_used),
                            k.expires.map_or_else(|| "never".to_owned(), |e| date(Some(e))),
                            date(k.created),
                            k.id.to_string(),
                        ]
                    },
                    empty: &empty,
                },
            )
        }
        C::KeyCreate(KeyCreateArgs { sa, name, description, expires_in, json }) => {
            let new =
                ctx.core.create_api_key(a, org_id, &sa, &name, description.as_deref(), expires_in).await?;
            print_issued(ctx, json, &sa, &new, "Created")
        }
        C::KeyRotate(KeyRotateArgs { sa, key, retain, json }) => {
            let new = ctx.core.rotate_api_key(a, org_id, &sa, &key, retain).await?;
            if !json {
                match retain.filter(|m| *m > 0) {
                    Some(m) => say!(ctx.out, "The old secret keeps working for {m} minutes, then stops."),
                    None => say!(ctx.out, "The old secret stopped working now."),
                }
            }
            print_issued(ctx, json, &sa, &new, "Rotated")
        }
        C::KeyActivate(KeyArgs { sa, key }) => set_key_active(ctx, a, org_id, &sa, &key, true).await,
        C::KeyDeactivate(KeyArgs { sa, key }) => set_key_active(ctx, a, org_id, &sa, &key, false).await,
        C::KeyDelete(KeyDeleteArgs { sa, key, yes }) => {
            confirm(yes, format!("key {} of {}", clean(&key), clean(&sa)))?;
            ctx.core.delete_api_key(a, org_id, &sa, &key).await?;
            say!(ctx.out, "Deleted key {} of {}.", clean(&key), clean(&sa));
            say!(ctx.out, "{TOKENS_OUTLIVE}");
            Ok(EXIT_OK)
        }
    }
}
