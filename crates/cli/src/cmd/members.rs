//! `zpro members`, `zpro role set` and `zpro remove`: the organization's members, changing a member's
//! organization role and removing a member: their grammar (clap derive), carrying them out and the
//! JSON item of `members --json`.

use std::io::{BufRead, IsTerminal};

use clap::{Args, Subcommand, ValueEnum};
use zenml_pro_core::records::Member;
use zenml_pro_core::{CoreError, MemberQuery};

use super::{Ctx, Res, View};
use crate::args::JsonFlag;
use crate::output::{cell, clean, Freshness};
use crate::EXIT_OK;

#[derive(Debug, Args)]
pub struct MembersArgs {
    /// Only members whose name, email or username contains this (case-insensitive).
    #[arg(long, value_name = "S")]
    pub search: Option<String>,
    /// Only members holding this role (directly or through a team).
    #[arg(long, value_name = "R")]
    pub role: Option<String>,
    /// Only rows of this kind.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// At most this many rows (1 to 1000000).
    #[arg(long, value_name = "N", value_parser = crate::numbers::limit, allow_negative_numbers = true)]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    User,
    #[value(name = "service_account")]
    ServiceAccount,
    Team,
    Invitation,
}

impl From<KindArg> for zenml_pro_core::MemberKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::User => Self::User,
            KindArg::ServiceAccount => Self::ServiceAccount,
            KindArg::Team => Self::Team,
            KindArg::Invitation => Self::Invitation,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Give a member a new organization role (replacing their direct organization roles).
    Set {
        /// The member's id, email, username or name.
        #[arg(value_name = "MEMBER")]
        member: String,
        /// The organization role's name.
        #[arg(value_name = "ROLE")]
        role: String,
    },
}

pub(crate) fn members(ctx: &mut Ctx<'_>, args: MembersArgs) -> Res {
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
    let items: Vec<Member> = cached.value.rows.iter().filter_map(Member::new).collect();
    ctx.listing(
        args.json.json,
        &fresh,
        items,
        Some(total),
        View {
            header: &["KIND", "NAME", "EMAIL", "ROLES"],
            row: &|m| {
                vec![
                    m.kind.as_str().to_owned(),
                    cell(m.name.as_deref()),
                    cell(m.email.as_deref()),
                    if m.roles.is_empty() { "-".to_owned() } else { clean(&m.roles.join(", ")) },
                ]
            },
            empty: "No members match.",
        },
    )
}

pub(crate) async fn role_set(ctx: &mut Ctx<'_>, member: &str, role: &str) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let roles = ctx.core.set_member_role(&account.id, org_id, member, role).await?;
    let names: Vec<String> = roles.iter().map(|r| clean(&r.label())).collect();
    say!(ctx.out, "{} now holds: {}.", clean(member), names.join(", "));
    Ok(EXIT_OK)
}

pub(crate) async fn remove(ctx: &mut Ctx<'_>, member: &str, yes: bool) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let row = ctx.core.find_member(&account.id, org_id, member)?;
    let shown = Member::new(&row).unwrap_or_default();
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
