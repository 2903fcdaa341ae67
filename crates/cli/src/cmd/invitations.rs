//! `zpro invite`, `zpro invitations` and `zpro resend`: invitations with every role and team they
//! carry. Every check happens in core before any request.

use zenml_pro_core::{CoreError, FieldMessage, InviteOutcome, InviteSpec};

use super::{Ctx, Res, View};
use crate::args::JsonFlag;
use crate::output::{cell, clean, record_date, Freshness};
use crate::{exit_code, EXIT_FAILURE, EXIT_OK};
use zenml_pro_core::records::Invitation;

/// An invitation's roles in words, comma-separated.
fn roles_text(i: &Invitation) -> String {
    let labels: Vec<&str> = i.roles.iter().map(|r| r.label.as_str()).collect();
    if labels.is_empty() {
        cell(i.role.as_deref())
    } else {
        clean(&labels.join(", "))
    }
}

/// An invitation's teams' names (else ids), comma-separated.
fn teams_text(i: &Invitation) -> String {
    let names: Vec<&str> = i.teams.iter().map(|t| t.label.as_str()).collect();
    if names.is_empty() {
        "-".to_owned()
    } else {
        clean(&names.join(", "))
    }
}

/// `WS=ROLE` pairs; one without `=` or with an empty side is invalid input.
pub(super) fn workspace_roles(raw: &[String]) -> Result<Vec<(String, String)>, CoreError> {
    raw.iter()
        .map(|pair| match pair.split_once('=') {
            Some((ws, role)) if !ws.trim().is_empty() && !role.trim().is_empty() => {
                Ok((ws.trim().to_owned(), role.trim().to_owned()))
            }
            _ => {
                let message = format!("--workspace-role takes WORKSPACE=ROLE, not {:?}", clean(pair));
                Err(CoreError::invalid(
                    message.clone(),
                    vec![FieldMessage { field: "workspace_role".into(), message }],
                ))
            }
        })
        .collect()
}

/// Prints what was attached to an invitation (and what failed); the worst exit code of the failures.
fn print_attached(ctx: &mut Ctx<'_>, o: &InviteOutcome) -> i32 {
    let mut worst = EXIT_OK;
    for a in &o.attached {
        match &a.error {
            None => say!(ctx.out, "        + {}", clean(&a.extra.label())),
            Some(e) => {
                worst = worst.max(exit_code(e.code));
                say!(ctx.out, "        failed {}: {}", clean(&a.extra.label()), clean(&e.message));
            }
        }
    }
    worst
}

pub(crate) async fn invite(
    ctx: &mut Ctx<'_>,
    emails: &[String],
    role: String,
    workspace_roles_raw: &[String],
    teams: Vec<String>,
) -> Res {
    let spec = InviteSpec { role, workspace_roles: workspace_roles(workspace_roles_raw)?, teams };
    let (account, org_id) = ctx.account_and_org()?;
    let outcomes = ctx.core.invite_with(&account.id, org_id, emails, &spec).await?;
    let mut worst = EXIT_OK;
    for o in &outcomes {
        match (&o.invitation, &o.error) {
            (Some(inv), _) => {
                let item = Invitation::from_wire(inv);
                say!(
                    ctx.out,
                    "sent    {}  ({}, invitation {})",
                    clean(&o.email),
                    cell(item.role.as_deref()),
                    inv.id
                );
                worst = worst.max(print_attached(ctx, o));
            }
            (None, Some(e)) => {
                worst = worst.max(exit_code(e.code));
                say!(ctx.out, "failed  {}: {}", clean(&o.email), clean(&e.message));
            }
            (None, None) => {
                worst = worst.max(EXIT_FAILURE);
                say!(ctx.out, "failed  {}: no answer", clean(&o.email));
            }
        }
    }
    Ok(worst)
}

pub(crate) fn invitations(ctx: &mut Ctx<'_>, all: bool, f: JsonFlag) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let cached = ctx.core.invitations(&account.id, org_id, !all)?;
    let fresh = Freshness::from(&cached);
    let items: Vec<Invitation> = cached.value.iter().map(Invitation::from_wire).collect();
    ctx.listing(
        f.json,
        &fresh,
        items,
        None,
        View {
            header: &["EMAIL", "STATUS", "ROLES", "TEAMS", "INVITED BY", "CREATED", "EXPIRES", "ID"],
            row: &|i| {
                vec![
                    clean(&i.email),
                    cell(i.status.as_deref()),
                    roles_text(i),
                    teams_text(i),
                    cell(i.inviter.as_deref()),
                    record_date(i.created.as_deref()),
                    record_date(i.expires.as_deref()),
                    i.id.to_string(),
                ]
            },
            empty: if all { "No invitations." } else { "No pending invitations (--all shows the others)." },
        },
    )
}

pub(crate) async fn resend(ctx: &mut Ctx<'_>, which: &str) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let outcome = ctx.core.resend_invitation_with_outcome(&account.id, org_id, which).await?;
    let Some(inv) = outcome.invitation.as_ref() else {
        return Err(CoreError::internal("the server answered without the invitation"));
    };
    let item = Invitation::from_wire(inv);
    say!(
        ctx.out,
        "Invited {} again as {} (new invitation {}).",
        clean(&inv.email),
        cell(item.role.as_deref()),
        inv.id
    );
    Ok(print_attached(ctx, &outcome))
}

pub(crate) async fn revoke(ctx: &mut Ctx<'_>, which: &str) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let inv = ctx.core.revoke_invitation(&account.id, org_id, which).await?;
    say!(ctx.out, "Revoked the invitation of {} (invitation {}).", clean(&inv.email), inv.id);
    Ok(EXIT_OK)
}
