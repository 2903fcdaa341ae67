//! `zpro login`, `zpro logout` and `zpro accounts`: the accounts signed in on this computer, their
//! grammar (clap derive), carrying them out and the JSON item of `accounts --json`.

use std::io::{BufRead, IsTerminal, Read};
use zenml_pro_core::records;

use clap::{ArgGroup, Args};
use zenml_pro_core::api::{ApiKey, Password};
use zenml_pro_core::{AccountRecord, CoreError};

use super::{Ctx, Res, View};
use crate::args::JsonFlag;
use crate::output::{cell, clean, Freshness};
use crate::EXIT_OK;

/// Shown at the end of `zpro login --help`.
pub const LOGIN_EXAMPLES: &str = "\
Examples:
  zpro login                                   open the browser, confirm the code shown here
  zpro login --key-stdin < key.txt             a personal access token or service-account key
  printf %s \"$KEY\" | zpro login --key-stdin
  zpro login --url https://host/api/v1 --username admin    asks for the password";

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("method").args(["key", "key_stdin", "username"])))]
pub struct LoginArgs {
    /// The API's base URL [default: $ZENML_PRO_API_URL, else https://cloudapi.zenml.io].
    // The doc line is the help text, where a bare URL reads best.
    #[allow(rustdoc::bare_urls)]
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// A personal access token or service-account key ("-" reads it from standard input; prefer --key-stdin).
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Read the personal access token or service-account key from standard input.
    #[arg(long)]
    pub key_stdin: bool,
    /// Sign in with this username and a password (self-hosted control planes).
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// Read the password from standard input (otherwise it is asked for on the terminal).
    #[arg(long, requires = "username")]
    pub password_stdin: bool,
}

pub(crate) async fn login(ctx: &mut Ctx<'_>, args: LoginArgs) -> Res {
    let url = args.url.clone().unwrap_or_else(|| ctx.env.default_url.clone());
    let account = if args.key_stdin || args.key.as_deref() == Some("-") {
        let key = read_stdin_secret("key")?;
        ctx.core.login_with_key(&url, ApiKey::new(key)).await?
    } else if let Some(key) = args.key {
        ctx.core.login_with_key(&url, ApiKey::new(key)).await?
    } else if let Some(username) = args.username {
        let password = if args.password_stdin {
            read_stdin_password()?
        } else if std::io::stdin().is_terminal() {
            rpassword::prompt_password(format!("Password for {username}: "))
                .map_err(|e| CoreError::internal(format!("could not read the password: {e}")))?
        } else {
            return Err(CoreError::invalid(
                "standard input is not a terminal: give the password on standard input with --password-stdin",
                Vec::new(),
            ));
        };
        ctx.core.login_with_password(&url, &username, Password::new(password)).await?
    } else {
        let device = ctx.core.begin_device_login(&url).await?;
        say!(
            ctx.err,
            "To sign in, open {} in a browser and confirm the code {} (valid for {} min).",
            clean(&device.verification_url),
            clean(&device.user_code),
            device.expires_in.div_ceil(60)
        );
        say!(ctx.err, "Waiting for the approval... (Ctrl+C cancels)");
        let cancel = device.cancel_handle();
        let on_interrupt = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        });
        let result = ctx.core.complete_device_login(&device).await;
        on_interrupt.abort();
        result?
    };
    say!(ctx.out, "Signed in as {} at {} (account {}).", who(&account), clean(&account.base_url), account.id);
    say!(ctx.err, "Next: `zpro sync` fetches your organizations.");
    Ok(EXIT_OK)
}

fn who(a: &AccountRecord) -> String {
    clean(&zenml_pro_core::model::account_signature(a))
}

/// A key from standard input: the whole input, surrounding whitespace removed.
fn read_stdin_secret(what: &str) -> Result<String, CoreError> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| CoreError::internal(format!("could not read the {what} from standard input: {e}")))?;
    let s = s.trim().to_owned();
    if s.is_empty() {
        return Err(CoreError::invalid(format!("no {what} on standard input"), Vec::new()));
    }
    Ok(s)
}

/// A password from standard input: its first line, only the line ending removed.
fn read_stdin_password() -> Result<String, CoreError> {
    let mut s = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut s)
        .map_err(|e| CoreError::internal(format!("could not read the password from standard input: {e}")))?;
    let s = s.trim_end_matches(['\n', '\r']).to_owned();
    if s.is_empty() {
        return Err(CoreError::invalid("no password on standard input", Vec::new()));
    }
    Ok(s)
}

pub(crate) async fn logout(ctx: &mut Ctx<'_>, purge: bool) -> Res {
    let account = ctx.account()?;
    ctx.core.logout(&account.id, purge).await?;
    if purge {
        say!(
            ctx.out,
            "Signed out of {} at {}; its cached data was deleted.",
            who(&account),
            clean(&account.base_url)
        );
    } else {
        say!(
            ctx.out,
            "Signed out of {} at {}; its cached data stays readable (--purge deletes it).",
            who(&account),
            clean(&account.base_url)
        );
    }
    Ok(EXIT_OK)
}

pub(crate) fn accounts(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let active = ctx.core.active_account()?.map(|a| a.id);
    let items: Vec<records::Account> = ctx
        .core
        .accounts()?
        .iter()
        .map(|a| records::Account::new(a, active.as_deref() == Some(&a.id)))
        .collect();
    ctx.listing(
        f.json,
        &Freshness::local(),
        items,
        None,
        View {
            header: &["", "EMAIL", "NAME", "SERVER", "SIGNED IN", "ID"],
            row: &|a| {
                vec![
                    if a.active { "*" } else { "" }.to_owned(),
                    cell(a.email.as_deref()),
                    cell(a.name.as_deref()),
                    clean(&a.base_url),
                    if a.signed_in { "yes" } else { "no" }.to_owned(),
                    a.id.clone(),
                ]
            },
            empty: "No accounts on this computer: sign in with `zpro login`.",
        },
    )
}
