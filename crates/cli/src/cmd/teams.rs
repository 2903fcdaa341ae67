//! `zpro teams` and `zpro team ...`: the organization's teams; creating, renaming, describing and
//! deleting them, changing who is in them and their organization role: the grammar (clap derive),
//! carrying it out and the JSON items of `teams --json` and `team members --json`.

use chrono::Utc;
use clap::Subcommand;
use serde::Serialize;
use uuid::Uuid;
use zenml_pro_core::api::TeamMemberRow;
use zenml_pro_core::records;
use zenml_pro_core::{CoreError, TeamMemberOutcome};

use super::{Ctx, Res, View};
use crate::args::JsonFlag;
use crate::output::{cell, clean, Freshness};
use crate::{exit_code, EXIT_OK};

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Create a team, optionally with initial members (members or pending invitations, by email).
    Create {
        #[arg(value_name = "NAME")]
        name: String,
        /// The team's description.
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        /// An initial member's email (repeat for several).
        #[arg(long = "member", value_name = "EMAIL")]
        members: Vec<String>,
    },
    /// Rename a team (and/or set its description).
    Rename {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        #[arg(value_name = "NEW")]
        name: String,
        /// Also set the team's description.
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
    },
    /// Set a team's description.
    Describe {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        #[arg(value_name = "TEXT")]
        text: String,
    },
    /// Delete a team: its members lose the roles it granted.
    Delete {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        /// Really delete it (without it, nothing is sent and the command says what would be lost).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// List a team's members, read from the server now.
    Members {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Add members or pending invitations (by email) to a team; a service account by its name.
    Add {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        /// An email, or a service account's name (once it holds a role).
        #[arg(value_name = "EMAIL", required = true)]
        emails: Vec<String>,
    },
    /// Remove members or pending invitations (by email) from a team.
    Remove {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        #[arg(value_name = "EMAIL", required = true)]
        emails: Vec<String>,
    },
    /// Give a team an organization role (replacing its other organization roles).
    Role {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        /// The organization role's name or id.
        #[arg(value_name = "ROLE")]
        role: String,
    },
}

/// One row of `team members --json`.
#[derive(Clone, Debug, Serialize)]
pub struct TeamMemberItem {
    /// `user` or `invitation`.
    pub kind: String,
    pub id: Uuid,
    pub name: Option<String>,
    pub email: Option<String>,
    /// An invitation's status.
    pub status: Option<String>,
}

impl TeamMemberItem {
    fn new(row: &TeamMemberRow) -> Option<Self> {
        if let Some(u) = &row.user {
            return Some(Self {
                kind: "user".into(),
                id: u.id,
                name: u.name.clone().or_else(|| u.username.clone()),
                email: u.email.clone(),
                status: None,
            });
        }
        let i = row.invitation.as_ref()?;
        Some(Self {
            kind: "invitation".into(),
            id: i.id,
            name: None,
            email: Some(i.email.clone()),
            status: i.status.map(|s| s.as_str().to_owned()),
        })
    }
}

/// Data read from the server just now.
fn live(skipped: usize, hidden: bool) -> Freshness {
    Freshness { fetched_at: Some(Utc::now()), stale: false, last_error: None, local: false, hidden, skipped }
}

/// Prints each email's outcome; the exit code is the worst of them.
fn print_outcomes(ctx: &mut Ctx<'_>, outcomes: &[TeamMemberOutcome], done: &str, already: &str) -> i32 {
    let mut worst = EXIT_OK;
    for o in outcomes {
        match (&o.error, o.unchanged) {
            (None, false) => say!(ctx.out, "{done:<8}{}", clean(&o.email)),
            (None, true) => say!(ctx.out, "{already:<8}{}", clean(&o.email)),
            (Some(e), _) => {
                worst = worst.max(exit_code(e.code));
                say!(ctx.out, "failed  {}: {}", clean(&o.email), clean(&e.message));
            }
        }
    }
    worst
}

pub(crate) async fn team(ctx: &mut Ctx<'_>, command: TeamCommand) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let a = account.id.as_str();
    match command {
        TeamCommand::Create { name, description, members } => {
            let created = ctx.core.create_team(a, org_id, &name, description, &members).await?;
            say!(ctx.out, "Created team {} ({}).", clean(&created.team.name), created.team.id);
            Ok(print_outcomes(ctx, &created.members, "added", "already"))
        }
        TeamCommand::Rename { team, name, description } => {
            let before = ctx.core.find_team(a, org_id, &team)?;
            let t = ctx.core.update_team(a, org_id, &team, Some(name), description).await?;
            say!(ctx.out, "Renamed team {} to {}.", clean(&before.name), clean(&t.name));
            Ok(EXIT_OK)
        }
        TeamCommand::Describe { team, text } => {
            let t = ctx.core.update_team(a, org_id, &team, None, Some(text)).await?;
            say!(
                ctx.out,
                "Description of team {} set to: {}",
                clean(&t.name),
                cell(t.description.as_deref())
            );
            Ok(EXIT_OK)
        }
        TeamCommand::Delete { team, yes } => {
            let found = ctx.core.find_team(a, org_id, &team)?;
            if !yes {
                let who = match found.member_count {
                    Some(1) => "its 1 member loses".to_owned(),
                    Some(n) => format!("its {n} members lose"),
                    None => "its members lose".to_owned(),
                };
                return Err(CoreError::invalid(
                    format!(
                        "deleting team {} cannot be undone: {who} the roles it grants; pass --yes to delete it",
                        clean(&found.name)
                    ),
                    Vec::new(),
                ));
            }
            let t = ctx.core.delete_team(a, org_id, &found.id.to_string()).await?;
            say!(ctx.out, "Deleted team {}.", clean(&t.name));
            Ok(EXIT_OK)
        }
        TeamCommand::Members { team, json } => {
            let listed = ctx.core.team_members(a, org_id, &team).await?;
            let items: Vec<TeamMemberItem> = listed.members.iter().filter_map(TeamMemberItem::new).collect();
            let empty = format!("Team {} has no members.", clean(&listed.team.name));
            ctx.listing(
                json.json,
                &live(listed.skipped, false),
                items,
                None,
                View {
                    header: &["KIND", "NAME", "EMAIL", "STATUS"],
                    row: &|m| {
                        vec![
                            m.kind.clone(),
                            cell(m.name.as_deref()),
                            cell(m.email.as_deref()),
                            cell(m.status.as_deref()),
                        ]
                    },
                    empty: &empty,
                },
            )
        }
        TeamCommand::Add { team, emails } => {
            let outcomes = ctx.core.add_to_team(a, org_id, &team, &emails).await?;
            Ok(print_outcomes(ctx, &outcomes, "added", "already"))
        }
        TeamCommand::Remove { team, emails } => {
            let outcomes = ctx.core.remove_from_team(a, org_id, &team, &emails).await?;
            Ok(print_outcomes(ctx, &outcomes, "removed", "absent"))
        }
        TeamCommand::Role { team, role } => {
            let found = ctx.core.find_team(a, org_id, &team)?;
            let roles = ctx.core.set_team_role(a, org_id, &found.id.to_string(), &role).await?;
            let names: Vec<String> = roles.iter().map(|r| clean(&r.label())).collect();
            say!(ctx.out, "Team {} now holds: {}.", clean(&found.name), names.join(", "));
            Ok(EXIT_OK)
        }
    }
}

pub(crate) fn teams(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let cached = ctx.core.teams(&account.id, org_id)?;
    let fresh = Freshness::from(&cached);
    let items: Vec<records::Team> = cached.value.iter().map(records::Team::new).collect();
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
