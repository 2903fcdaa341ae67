//! `zpro offboard EMAIL [--org ORG]... (--dry-run | --yes)` and `zpro invite EMAIL... --org A --org B
//! --role R`: writes across organizations, planned and carried out by core (`offboard`, `steps`), each
//! step's result printed as it completes, then what remains. Holds the grammar of `zpro offboard`
//! (clap derive).

use std::future::Future;
use std::io::{BufRead, IsTerminal, Write};

use chrono::Utc;
use clap::Args;
use tokio::sync::mpsc::UnboundedReceiver;
use zenml_pro_core::{
    Blocked, CancellationToken, CoreError, InviteSpec, OffboardPlan, Overrides, Step, StepProgress,
    StepReport, StepStatus,
};

use super::{Ctx, Res};
use crate::output::{clean, local_time};
use crate::{exit_code, EXIT_FAILURE, EXIT_OK};

/// `zpro offboard EMAIL [--org ORG]... (--dry-run | --yes) [--json]`: takes away, in each
/// organization, the person's workspace and project roles, their team memberships, their membership
/// and their pending invitations.
#[derive(Debug, Args)]
pub struct OffboardArgs {
    /// The person's email address.
    #[arg(value_name = "EMAIL")]
    pub email: String,
    /// Print the plan only; nothing is changed (the person's workspace and project roles and their
    /// teams are read from the server).
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Carry the plan out without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Also remove the account you act as, where the person is that account's own user (refused
    /// without it: you would lose your access there).
    #[arg(long)]
    pub allow_self: bool,
    /// Also remove an organization's last Organization Admin (checked on the server as the step
    /// runs; refused without it).
    #[arg(long)]
    pub allow_last_admin: bool,
    /// Print JSON: the plan (with --dry-run) or the report of the run.
    #[arg(long)]
    pub json: bool,
}

fn json(value: &impl serde::Serialize) -> Result<String, CoreError> {
    serde_json::to_string_pretty(value).map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))
}

/// "1 step", "2 steps".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn roles_text(roles: &[String]) -> String {
    if roles.is_empty() {
        "-".to_owned()
    } else {
        clean(&roles.join(", "))
    }
}

fn print_plan(out: &mut dyn Write, plan: &OffboardPlan) {
    let who = match &plan.name {
        Some(n) => format!("{} <{}>", clean(n), clean(&plan.email)),
        None => clean(&plan.email),
    };
    let orgs: std::collections::BTreeSet<_> = plan.steps.iter().map(|s| s.org_id).collect();
    say!(
        out,
        "Offboarding {who}: {} in {} of {} organizations looked at.",
        count(plan.steps.len(), "step"),
        orgs.len(),
        plan.organizations
    );
    if !plan.steps.is_empty() {
        let rows: Vec<Vec<String>> = plan
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                vec![
                    (i + 1).to_string(),
                    clean(&s.org_name),
                    clean(&s.account),
                    s.action.as_words().to_owned(),
                    s.kind.as_str().to_owned(),
                    match &s.on {
                        Some(on) => clean(on),
                        None => roles_text(&s.roles),
                    },
                    s.target_id.map_or_else(|| "-".to_owned(), |id| id.to_string()),
                ]
            })
            .collect();
        let header = ["#", "ORGANIZATION", "ACCOUNT", "ACTION", "KIND", "TAKEN AWAY", "ID"];
        let _ = write!(out, "{}", crate::output::table(&header, &rows));
        for (i, s) in plan.steps.iter().enumerate() {
            if let Some(note) = &s.note {
                say!(out, "  note on {}: {}", i + 1, clean(note));
            }
        }
    }
    print_blocked(out, &plan.blocked);
    if !plan.not_there.is_empty() {
        say!(out, "Neither a member nor invited (as cached): {}.", clean(&plan.not_there.join(", ")));
    }
    if let Some(at) = plan.fetched_at {
        let stale = if plan.stale { " (stale: `zpro sync` refreshes it)" } else { "" };
        say!(out, "as of {}{stale}", local_time(at, Utc::now()));
    }
    print_out_of_reach(out, &plan.out_of_reach);
}

fn print_out_of_reach(out: &mut dyn Write, sentences: &[String]) {
    if sentences.is_empty() {
        return;
    }
    say!(out, "Out of this app's reach:");
    for s in sentences {
        say!(out, "  - {}", clean(s));
    }
}

fn print_blocked(out: &mut dyn Write, blocked: &[Blocked]) {
    if blocked.is_empty() {
        return;
    }
    say!(out, "Cannot be done ({}):", blocked.len());
    for b in blocked {
        let what = match (b.action, &b.label) {
            (Some(a), Some(l)) => format!("{} {}", a.as_words(), clean(l)),
            _ => "the whole organization".to_owned(),
        };
        say!(out, "  {}: {what}: {}", clean(&b.org_name), clean(&b.reason));
    }
}

fn step_line(p: &StepProgress) -> String {
    let r = &p.result;
    let s: &Step = &r.step;
    let head = format!(
        "[{}/{}] {}: {} {}",
        p.index,
        p.total,
        clean(&s.org_name),
        s.action.as_words(),
        clean(&s.what())
    );
    match (r.status, &r.error, &r.detail) {
        (StepStatus::Done, _, Some(d)) => format!("{head}: done ({})", clean(d)),
        (StepStatus::Done, _, None) => format!("{head}: done"),
        (StepStatus::Failed, Some(e), _) => format!("{head}: failed: {}", clean(&e.message)),
        (StepStatus::Failed, None, _) => format!("{head}: failed"),
        (StepStatus::NotAttempted, _, d) => {
            format!("{head}: not attempted: {}", clean(d.as_deref().unwrap_or("skipped")))
        }
    }
}

/// A progress callback that sends each step's result to the receiver [`drive`] prints from.
fn channel() -> (Box<dyn Fn(StepProgress) + Send>, UnboundedReceiver<StepProgress>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<StepProgress>();
    (
        Box::new(move |p| {
            let _ = tx.send(p);
        }),
        rx,
    )
}

/// Runs `work`, printing each step's result to `sink` as it arrives; Ctrl+C fires `cancel`, which
/// stops starting new steps.
async fn drive(
    sink: &mut dyn Write,
    mut rx: UnboundedReceiver<StepProgress>,
    work: impl Future<Output = StepReport>,
    cancel: CancellationToken,
) -> StepReport {
    let interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
    tokio::pin!(work);
    let report = loop {
        tokio::select! {
            r = &mut work => break r,
            Some(p) = rx.recv() => say!(sink, "{}", step_line(&p)),
        }
    };
    while let Ok(p) = rx.try_recv() {
        say!(sink, "{}", step_line(&p));
    }
    interrupt.abort();
    report
}

/// Prints the summary of a run and returns its exit code: 0 when every step succeeded, else the
/// code of the first failure (1 when nothing failed but something was not attempted).
fn summary(out: &mut dyn Write, report: &StepReport) -> i32 {
    let total = report.results.len();
    say!(
        out,
        "Done {} of {}; {} failed, {} not attempted.",
        report.done,
        count(total, "step"),
        report.failed,
        report.not_attempted
    );
    if !report.remaining.is_empty() {
        say!(out, "Remaining ({}):", report.remaining.len());
        for r in &report.remaining {
            let what = match (r.action, &r.label, &r.on) {
                (Some(a), Some(l), Some(on)) => format!("{} {} ({})", a.as_words(), clean(l), clean(on)),
                (Some(a), Some(l), None) => format!("{} {}", a.as_words(), clean(l)),
                _ => "the whole organization".to_owned(),
            };
            let id = r.target_id.map(|id| format!(" ({id})")).unwrap_or_default();
            say!(out, "  {}: {what}{id}: {}", clean(&r.org_name), clean(&r.why));
        }
    }
    for f in &report.refresh_failures {
        say!(out, "Not refreshed from the server afterwards (the cache has what was done): {}", clean(f));
    }
    print_out_of_reach(out, &report.out_of_reach);
    code(report)
}

fn code(report: &StepReport) -> i32 {
    match report.first_error() {
        Some(e) => exit_code(e.code),
        None if report.failed + report.not_attempted > 0 => EXIT_FAILURE,
        None => EXIT_OK,
    }
}

fn not_a_terminal() -> CoreError {
    CoreError::invalid(
        "standard input is not a terminal, so the plan cannot be confirmed: pass --dry-run to see it, \
         or --yes to carry it out",
        Vec::new(),
    )
}

/// Asks on the terminal.
fn confirm(ctx: &mut Ctx<'_>, question: &str) -> bool {
    let _ = write!(ctx.err, "{question} [y/N] ");
    let _ = ctx.err.flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

pub(crate) async fn offboard(ctx: &mut Ctx<'_>, args: OffboardArgs) -> Res {
    let plan = ctx.core.offboard_plan(&args.email, &ctx.orgs).await?;
    if args.dry_run {
        if args.json {
            say!(ctx.out, "{}", json(&plan)?);
        } else {
            print_plan(ctx.out, &plan);
            say!(ctx.out, "Dry run: nothing was changed; --yes carries it out.");
        }
        return Ok(EXIT_OK);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(not_a_terminal());
        }
        print_plan(ctx.out, &plan);
        if !confirm(ctx, &format!("Carry out {}?", count(plan.steps.len(), "step"))) {
            say!(ctx.err, "Nothing was changed.");
            return Err(CoreError::cancelled());
        }
    }
    if plan.steps.is_empty() && !args.json {
        print_plan(ctx.out, &plan);
    }
    let (progress, rx) = channel();
    let cancel = CancellationToken::new();
    let sink: &mut dyn Write = if args.json { &mut *ctx.err } else { &mut *ctx.out };
    let overrides = Overrides { remove_self: args.allow_self, last_admin: args.allow_last_admin };
    let work = ctx.core.offboard_run(&plan, overrides, progress, cancel.clone());
    let report = drive(sink, rx, work, cancel).await;
    if args.json {
        say!(ctx.out, "{}", json(&report)?);
        return Ok(code(&report));
    }
    Ok(summary(ctx.out, &report))
}

pub(crate) async fn invite_many(
    ctx: &mut Ctx<'_>,
    emails: &[String],
    role: String,
    workspace_roles_raw: &[String],
    teams: Vec<String>,
) -> Res {
    let spec = InviteSpec {
        role,
        workspace_roles: super::invitations::workspace_roles(workspace_roles_raw)?,
        teams,
    };
    let account = if ctx.account.is_some() { Some(ctx.account()?.id) } else { None };
    let plan = ctx.core.invite_plan(account.as_deref(), emails, &ctx.orgs, &spec)?;
    let orgs: std::collections::BTreeSet<_> = plan.steps.iter().map(|s| s.org_id).collect();
    say!(ctx.out, "Inviting to {} organizations: {}.", orgs.len(), count(plan.steps.len(), "step"));
    // The plan, one line per organization.
    let mut seen = std::collections::HashSet::new();
    for s in plan.steps.iter().filter(|s| seen.insert(s.org_id)) {
        let n = plan.steps.iter().filter(|x| x.org_id == s.org_id).count();
        let what = match &s.refused {
            Some(e) => format!("will fail: {}", clean(&e.message)),
            None => roles_text(&s.roles),
        };
        say!(ctx.out, "  {} (as {}): {}: {what}", clean(&s.org_name), clean(&s.account), count(n, "email"));
    }
    let (progress, rx) = channel();
    let cancel = CancellationToken::new();
    let work = ctx.core.invite_run(&plan, &spec, progress, cancel.clone());
    let report = drive(&mut *ctx.out, rx, work, cancel).await;
    Ok(summary(ctx.out, &report))
}
