//! Carrying out each command: resolve the account and organization, call core, print.

use std::io::{BufRead, IsTerminal, Read, Write};

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;
use zenml_pro_core::api::{ApiKey, Password};
use zenml_pro_core::{AccountRecord, Core, CoreError, DoctorStatus, MemberQuery, SyncOptions, SyncProgress};

use crate::args::{Command, JsonFlag, LoginArgs, MembersArgs, OrgCommand, RoleCommand};
use crate::output::{
    cell, clean, date, table, AccountItem, Freshness, MemberItem, OrgItem, RoleItem, Single, TeamItem,
    WorkspaceItem,
};
use crate::{exit_code, CliEnv, EXIT_OK};

/// Writes a line; a closed stdout or stderr is not a reason to fail the command.
macro_rules! say {
    ($w:expr) => {{ let _ = writeln!($w); }};
    ($w:expr, $($t:tt)*) => {{ let _ = writeln!($w, $($t)*); }};
}

type Res = Result<i32, CoreError>;

pub mod activity;
pub mod invitations;
pub mod offboarding;
pub mod people;
pub mod review;
pub mod service_accounts;
pub mod teams;

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

pub(crate) async fn dispatch(ctx: &mut Ctx<'_>, command: Command) -> Res {
    match command {
        Command::Login(args) => login(ctx, args).await,
        Command::Logout { purge } => logout(ctx, purge).await,
        Command::Accounts(f) => accounts(ctx, f),
        Command::Sync => sync(ctx).await,
        Command::Orgs(f) => orgs(ctx, f),
        Command::Switch { org } => switch(ctx, &org).await,
        Command::Org { command } => org(ctx, command).await,
        Command::Members(args) => members(ctx, args),
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
        Command::Revoke { invitation } => revoke(ctx, &invitation).await,
        Command::Resend { invitation } => invitations::resend(ctx, &invitation).await,
        Command::Role { command: RoleCommand::Set { member, role } } => role_set(ctx, &member, &role).await,
        Command::Remove { member, yes } => remove(ctx, &member, yes).await,
        Command::Workspaces(f) => workspaces(ctx, f),
        Command::Teams(f) => teams(ctx, f),
        Command::Roles(crate::args::RolesArgs { command: None, json }) => roles(ctx, json),
        Command::Roles(crate::args::RolesArgs { command: Some(c), .. }) => {
            crate::grants::roles_command(ctx, c).await
        }
        Command::Workspace { command } => crate::grants::workspace(ctx, command).await,
        Command::Doctor { url, json } => doctor(ctx, url, json).await,
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

// ----- accounts -----

async fn login(ctx: &mut Ctx<'_>, args: LoginArgs) -> Res {
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

async fn logout(ctx: &mut Ctx<'_>, purge: bool) -> Res {
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

fn accounts(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let active = ctx.core.active_account()?.map(|a| a.id);
    let items: Vec<AccountItem> =
        ctx.core.accounts()?.iter().map(|a| AccountItem::new(a, active.as_deref() == Some(&a.id))).collect();
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

// ----- sync -----

async fn sync(ctx: &mut Ctx<'_>) -> Res {
    let account = ctx.account()?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<SyncProgress>();
    let progress = move |p: SyncProgress| {
        let _ = tx.send(p);
    };
    let had_active = ctx.core.active_organization(&account.id)?.is_some();
    let cancel = zenml_pro_core::CancellationToken::new();
    let interrupt = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        })
    };
    let options = SyncOptions::default();
    let result = {
        let work = ctx.core.sync(&account.id, &options, &progress, &cancel);
        tokio::pin!(work);
        loop {
            tokio::select! {
                r = &mut work => break r,
                Some(p) = rx.recv() => print_progress(ctx.err, &p),
            }
        }
    };
    interrupt.abort();
    while let Ok(p) = rx.try_recv() {
        print_progress(ctx.err, &p);
    }
    let report = result?;
    let seconds = report.duration_ms as f64 / 1000.0;
    say!(ctx.out, "Synced {} of {} organizations in {seconds:.1} s.", report.synced, report.organizations);
    if report.removed > 0 {
        say!(ctx.out, "Removed {} organizations the server no longer lists.", report.removed);
    }
    if !report.failed.is_empty() {
        say!(ctx.out, "Failed ({}):", report.failed.len());
        for f in &report.failed {
            say!(ctx.out, "  {}: {}", clean(&f.organization), clean(&f.error.message));
        }
    }
    // The first sync picks an active organization (core chooses the first by name); say which.
    if !had_active {
        if let Some(id) = ctx.core.active_organization(&account.id)? {
            let org = ctx.core.organization(&account.id, &id.to_string())?.value;
            say!(ctx.out, "Active organization: {} (change it with `zpro switch ORG`).", clean(&org.name));
        }
    }
    if report.organizations > 0 && report.synced == 0 {
        let worst =
            report.failed.iter().map(|f| exit_code(f.error.code)).max().unwrap_or(crate::EXIT_FAILURE);
        return Ok(worst);
    }
    if !report.failed.is_empty() {
        let names: Vec<String> = report.failed.iter().map(|f| clean(&f.organization)).collect();
        say!(
            ctx.err,
            "partial: {} of {} organizations failed to sync: {}",
            report.failed.len(),
            report.organizations,
            names.join(", ")
        );
        return Ok(crate::EXIT_PARTIAL);
    }
    Ok(EXIT_OK)
}

fn print_progress(err: &mut dyn Write, p: &SyncProgress) {
    match p {
        SyncProgress::Listing => say!(err, "listing organizations..."),
        SyncProgress::Organization { name, done, total, ok } => {
            say!(err, "[{done}/{total}] {} {}", clean(name), if *ok { "ok" } else { "failed" })
        }
        SyncProgress::Finished { total, failed } => say!(err, "done: {total} organizations, {failed} failed"),
    }
}

// ----- organizations -----

fn orgs(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let account = ctx.account()?;
    let list = ctx.core.organization_list(&account.id)?;
    let entries = list.entries;
    let fresh = Freshness {
        fetched_at: list.fetched_at,
        stale: list.stale,
        last_error: list.last_error,
        local: false,
        hidden: false,
        skipped: list.skipped,
    };
    let items: Vec<OrgItem> = entries.iter().map(|e| OrgItem::new(&e.organization, e.active)).collect();
    ctx.listing(
        f.json,
        &fresh,
        items,
        None,
        View {
            header: &["", "NAME", "DISPLAY NAME", "PLAN", "ID"],
            row: &|o| {
                vec![
                    if o.active { "*" } else { "" }.to_owned(),
                    clean(&o.name),
                    cell(o.display_name.as_deref()),
                    cell(o.plan.as_deref()),
                    o.id.to_string(),
                ]
            },
            empty: "No organizations in the cache: run `zpro sync`.",
        },
    )
}

async fn switch(ctx: &mut Ctx<'_>, wanted: &str) -> Res {
    let account = ctx.account()?;
    let org = ctx.core.switch_organization(&account.id, wanted).await?;
    say!(
        ctx.out,
        "Active organization: {}{}.",
        clean(&org.name),
        org.display_name.as_deref().map(|d| format!(" ({})", clean(d))).unwrap_or_default()
    );
    Ok(EXIT_OK)
}

async fn org(ctx: &mut Ctx<'_>, command: OrgCommand) -> Res {
    match command {
        OrgCommand::Show { json } => org_show(ctx, json),
        OrgCommand::Rename { name } => {
            let (account, org_id) = ctx.account_and_org()?;
            let before = ctx.org_name(&account.id, org_id);
            let org = ctx.core.update_organization(&account.id, org_id, Some(name), None).await?;
            say!(ctx.out, "Renamed organization {before} to {}.", clean(&org.name));
            Ok(EXIT_OK)
        }
        OrgCommand::Describe { text } => {
            let (account, org_id) = ctx.account_and_org()?;
            let org = ctx.core.update_organization(&account.id, org_id, None, Some(text)).await?;
            say!(ctx.out, "Description of {} set to: {}", clean(&org.name), cell(org.description.as_deref()));
            Ok(EXIT_OK)
        }
    }
}

fn org_show(ctx: &mut Ctx<'_>, json: bool) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let cached = ctx.core.organization(&account.id, &org_id.to_string())?;
    let active = ctx.core.active_organization(&account.id)? == Some(org_id);
    let fresh = Freshness::from(&cached);
    let item = OrgItem::new(&cached.value, active);
    if json {
        let single = Single {
            fetched_at: fresh.fetched_at,
            stale: fresh.stale,
            last_error: fresh.last_error.clone(),
            item,
        };
        let text = serde_json::to_string_pretty(&single)
            .map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))?;
        say!(ctx.out, "{text}");
        return Ok(EXIT_OK);
    }
    let mine = ctx.core.my_roles(&account.id, org_id)?;
    let o = &cached.value;
    let rows = vec![
        vec!["Name".to_owned(), clean(&o.name)],
        vec!["Display name".to_owned(), cell(o.display_name.as_deref())],
        vec!["Description".to_owned(), cell(o.description.as_deref())],
        vec!["Plan".to_owned(), cell(item.plan.as_deref())],
        vec!["Active".to_owned(), if active { "yes" } else { "no" }.to_owned()],
        vec!["Your roles".to_owned(), if mine.is_empty() { "-".to_owned() } else { clean(&mine.join(", ")) }],
        vec!["Created".to_owned(), date(o.created)],
        vec!["Updated".to_owned(), date(o.updated)],
        vec!["ID".to_owned(), o.id.to_string()],
    ];
    let text = table(&["", ""], &rows);
    // The two-column table without its empty header line.
    let _ = write!(ctx.out, "{}", text.split_once('\n').map_or("", |(_, rest)| rest));
    for line in fresh.lines(Utc::now()) {
        say!(ctx.out, "{line}");
    }
    Ok(EXIT_OK)
}

// ----- members and invitations -----

fn members(ctx: &mut Ctx<'_>, args: MembersArgs) -> Res {
    if args.limit == Some(0) {
        return Err(CoreError::invalid("--limit must be at least 1", Vec::new()));
    }
    let (account, org_id) = ctx.account_and_org()?;
    let query = MemberQuery {
        search: args.search,
        role: args.role,
        kind: args.kind.map(Into::into),
        offset: 0,
        limit: args.limit,
    };
    let cached = ctx.core.members(&account.id, org_id, &query)?;
    let fresh = Freshness::from(&cached);
    let total = cached.value.total;
    let items: Vec<MemberItem> = cached.value.rows.iter().map(MemberItem::new).collect();
    ctx.listing(
        args.json.json,
        &fresh,
        items,
        Some(total),
        View {
            header: &["KIND", "NAME", "EMAIL", "ROLES"],
            row: &|m| {
                vec![
                    m.kind.clone(),
                    cell(m.name.as_deref()),
                    cell(m.email.as_deref()),
                    if m.roles.is_empty() { "-".to_owned() } else { clean(&m.roles.join(", ")) },
                ]
            },
            empty: "No members match.",
        },
    )
}

async fn revoke(ctx: &mut Ctx<'_>, which: &str) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let inv = ctx.core.revoke_invitation(&account.id, org_id, which).await?;
    say!(ctx.out, "Revoked the invitation of {} (invitation {}).", clean(&inv.email), inv.id);
    Ok(EXIT_OK)
}

async fn role_set(ctx: &mut Ctx<'_>, member: &str, role: &str) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let roles = ctx.core.set_member_role(&account.id, org_id, member, role).await?;
    let names: Vec<String> = roles.iter().map(|r| clean(&r.label())).collect();
    say!(ctx.out, "{} now holds: {}.", clean(member), names.join(", "));
    Ok(EXIT_OK)
}

async fn remove(ctx: &mut Ctx<'_>, member: &str, yes: bool) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let row = ctx.core.find_member(&account.id, org_id, member)?;
    let shown = MemberItem::new(&row);
    let label = zenml_pro_core::model::name_and_email(shown.name.as_deref(), shown.email.as_deref())
        .map_or_else(|| clean(member), |l| clean(&l));
    let org_name = ctx.org_name(&account.id, org_id);
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(CoreError::invalid(
                "standard input is not a terminal, so removal cannot be confirmed: pass --yes",
                Vec::new(),
            ));
        }
        let _ = write!(ctx.err, "Remove {label} from {org_name}? [y/N] ");
        let _ = ctx.err.flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            say!(ctx.err, "Not removed.");
            return Err(CoreError::cancelled());
        }
    }
    ctx.core.remove_member(&account.id, org_id, member).await?;
    say!(ctx.out, "Removed {label} from {org_name}.");
    Ok(EXIT_OK)
}

// ----- the other listings -----

fn workspaces(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let cached = ctx.core.workspaces(&account.id, org_id)?;
    let fresh = Freshness::from(&cached);
    let dashboards = zenml_pro_core::Dashboards::from_env();
    let items: Vec<WorkspaceItem> =
        cached.value.iter().map(|w| WorkspaceItem::new(w, dashboards.workspace_page(org_id, w))).collect();
    ctx.listing(
        f.json,
        &fresh,
        items,
        None,
        View {
            header: &["NAME", "TYPE", "STATUS", "VERSION", "SERVER URL"],
            row: &|w| {
                vec![
                    clean(&w.name),
                    clean(zenml_pro_core::api::WorkspaceKind::of(Some(&w.workspace_type)).label()),
                    clean(&w.status),
                    cell(w.version.as_deref()),
                    cell(w.server_url.as_deref()),
                ]
            },
            empty: "No workspaces.",
        },
    )
}

fn teams(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let cached = ctx.core.teams(&account.id, org_id)?;
    let fresh = Freshness::from(&cached);
    let items: Vec<TeamItem> = cached.value.iter().map(TeamItem::new).collect();
    ctx.listing(
        f.json,
        &fresh,
        items,
        None,
        View {
            header: &["NAME", "MEMBERS", "ID"],
            row: &|t| {
                vec![
                    clean(&t.name),
                    t.member_count.map_or_else(|| "-".to_owned(), |n| n.to_string()),
                    t.id.to_string(),
                ]
            },
            empty: "No teams.",
        },
    )
}

// ----- diagnostics -----

async fn doctor(ctx: &mut Ctx<'_>, url: Option<String>, f: JsonFlag) -> Res {
    let account = match url {
        Some(_) => None,
        None => ctx.account().ok().filter(|a| a.signed_in),
    };
    let base = match (&url, &account) {
        (Some(u), _) => u.clone(),
        (None, Some(a)) => a.base_url.clone(),
        (None, None) => ctx.env.default_url.clone(),
    };
    let report = ctx.core.doctor(account.as_ref().map(|a| a.id.as_str()), &base).await?;
    let code = match report.status {
        DoctorStatus::Ok => EXIT_OK,
        DoctorStatus::Problems => crate::EXIT_FAILURE,
        DoctorStatus::Unreachable => crate::EXIT_OFFLINE,
    };
    if f.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))?;
        say!(ctx.out, "{text}");
        return Ok(code);
    }
    if report.status == DoctorStatus::Unreachable {
        let why = report.checks.first().map_or(String::new(), |c| clean(&c.detail));
        say!(ctx.err, "error: the server at {} cannot be reached: {why}", clean(&report.server));
        return Ok(code);
    }
    say!(ctx.out, "Diagnostics of {}", clean(&report.server));
    let rows: Vec<Vec<String>> = report
        .checks
        .iter()
        .map(|c| vec![c.result.as_str().to_uppercase(), c.area.clone(), clean(&c.check), clean(&c.detail)])
        .collect();
    let _ = write!(ctx.out, "{}", table(&["RESULT", "AREA", "CHECK", "DETAIL"], &rows));
    match report.status {
        DoctorStatus::Ok => say!(ctx.out, "All is well."),
        _ => say!(ctx.out, "Some checks warn or fail (see above); the app copes with what it can."),
    }
    Ok(code)
}

fn roles(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let cached = ctx.core.roles(&account.id, org_id)?;
    let fresh = Freshness::from(&cached);
    let items: Vec<RoleItem> = cached.value.iter().map(RoleItem::new).collect();
    ctx.listing(
        f.json,
        &fresh,
        items,
        None,
        View {
            header: &["NAME", "LEVEL", "BUILT-IN", "ID"],
            row: &|r| {
                vec![
                    clean(&r.name),
                    clean(&r.level),
                    match r.system_managed {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "-",
                    }
                    .to_owned(),
                    r.id.to_string(),
                ]
            },
            empty: "No roles.",
        },
    )
}
