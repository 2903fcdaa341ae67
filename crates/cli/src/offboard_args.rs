//! The grammar of `zpro offboard` (clap derive); carried out in `commands::offboard`.

use clap::Args;

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
