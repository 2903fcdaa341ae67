//! Carrying out the commands, one file per command group, each holding the group's grammar (clap
//! derive), its run functions and its JSON item types; here what they share: the run's context
//! (`Ctx`: which account and organization to act on, where to print) and how a listing prints.

use std::io::Write;

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;
use zenml_pro_core::{AccountRecord, Core, CoreError};

use crate::output::{clean, table, Freshness};
use crate::{CliEnv, EXIT_OK};

/// Writes a line; a closed stdout or stderr is not a reason to fail the command.
macro_rules! say {
    ($w:expr) => {{ let _ = writeln!($w); }};
    ($w:expr, $($t:tt)*) => {{ let _ = writeln!($w, $($t)*); }};
}

/// A command's exit code, or the error to report.
pub(crate) type Res = Result<i32, CoreError>;

pub mod accounts;
pub mod activity;
pub mod doctor;
pub mod invitations;
pub mod members;
pub mod offboarding;
pub mod organizations;
pub mod people;
pub mod review;
pub mod roles;
pub mod service_accounts;
pub mod sync;
pub mod teams;
pub mod workspaces;

/// How a listing prints as a table: its header, one row per item (cells already cleaned), and the
/// line printed when it is empty.
struct View<'a, T> {
    header: &'a [&'a str],
    row: &'a dyn Fn(&T) -> Vec<String>,
    empty: &'a str,
}

/// One run of a command.
pub(crate) struct Ctx<'a> {
    pub core: Core,
    pub env: &'a CliEnv,
    /// `--account`.
    pub account: Option<String>,
    /// `--org` (the first one given).
    pub org: Option<String>,
    /// Every `--org` given (only `offboard` and `invite` take several).
    pub orgs: Vec<String>,
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

impl Ctx<'_> {
    /// The account to act on: `--account` (id or email), else the active one.
    fn account(&self) -> Result<AccountRecord, CoreError> {
        let Some(wanted) = self.account.as_deref() else {
            return self
                .core
                .active_account()?
                .ok_or_else(|| CoreError::unauthorized("not signed in: run `zpro login` first"));
        };
        let wanted = wanted.trim();
        let matches: Vec<AccountRecord> = self
            .core
            .accounts()?
            .into_iter()
            .filter(|a| {
                a.id == wanted || a.user_email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(wanted))
            })
            .collect();
        match matches.len() {
            0 => Err(CoreError::unauthorized(format!(
                "no account {wanted:?} on this computer: see `zpro accounts`, or sign in with `zpro login`"
            ))),
            1 => Ok(matches.into_iter().next().expect("one")),
            _ => {
                let ids: Vec<String> = matches.iter().map(|a| format!("{} ({})", a.id, a.base_url)).collect();
                Err(CoreError::invalid(
                    format!("{wanted:?} has accounts on several servers; give one id: {}", ids.join(", ")),
                    Vec::new(),
                ))
            }
        }
    }

    /// The account and the organization to act on (`--org`, else the active one).
    pub(crate) fn account_and_org(&self) -> Result<(AccountRecord, Uuid), CoreError> {
        let account = self.account()?;
        let org = self.core.resolve_org(&account.id, self.org.as_deref())?;
        Ok((account, org))
    }

    /// An organization's name for messages.
    fn org_name(&self, account_id: &str, org_id: Uuid) -> String {
        self.core
            .organization(account_id, &org_id.to_string())
            .map_or_else(|_| org_id.to_string(), |o| clean(&o.value.name))
    }

    /// Prints a listing: JSON, or a table followed by its freshness.
    fn listing<T: Serialize>(
        &mut self,
        json: bool,
        fresh: &Freshness,
        items: Vec<T>,
        total: Option<usize>,
        view: View<'_, T>,
    ) -> Res {
        if json {
            let mut listing = fresh.listing(items);
            listing.total = total;
            let text = serde_json::to_string_pretty(&listing)
                .map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))?;
            say!(self.out, "{text}");
            return Ok(EXIT_OK);
        }
        if items.is_empty() && fresh.hidden {
            say!(self.out, "Not visible to your role.");
        } else if items.is_empty() {
            say!(self.out, "{}", view.empty);
        } else {
            let rows: Vec<Vec<String>> = items.iter().map(view.row).collect();
            let _ = write!(self.out, "{}", table(view.header, &rows));
        }
        if let Some(total) = total.filter(|t| *t > items.len()) {
            say!(self.out, "showing {} of {total}", items.len());
        }
        for line in fresh.lines(Utc::now()) {
            say!(self.out, "{line}");
        }
        Ok(EXIT_OK)
    }
}
