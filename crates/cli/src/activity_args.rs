//! The grammar of `zpro log` and `zpro undo` (clap derive); carried out in `commands::activity`.

use clap::Args;

/// Shown at the end of `zpro log --help`.
pub const LOG_HELP: &str = "\
Kinds (--kind): invite, revoke, resend, role_change, member_removal, org_rename, org_description,
  team_create, team_rename, team_description, team_delete, team_member_add, team_member_remove,
  team_role, workspace_state, workspace_rename, workspace_description, grant_add, grant_revoke.
Reversible with `zpro undo ID`: role_change, revoke, member_removal, org_rename, team_rename,
  workspace_rename (when they succeeded and were not undone yet).

Examples:
  zpro log                                     the latest changes, newest first
  zpro log --failed --json                     what failed, as JSON
  zpro --org acme-ml log --kind role_change --search ana@
  zpro undo 42                                 put back what entry 42 replaced";

/// `zpro log`: the activity log, newest first.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only changes of this kind (see the list below).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Only changes that failed.
    #[arg(long, conflicts_with = "succeeded")]
    pub failed: bool,
    /// Only changes that succeeded.
    #[arg(long)]
    pub succeeded: bool,
    /// Only changes whose target (email, name or id) contains this (case-insensitive).
    #[arg(long, value_name = "S")]
    pub search: Option<String>,
    /// At most this many entries.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
    /// Skip this many entries first (with --limit, for the next page).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// Print JSON: {"fetched_at", "stale", "last_error", "total", "items": [...]}, each item an entry
    /// with id, at, account_id, account, org_id, org, kind, target_id, target, detail, ok,
    /// error_code, error, replaced {roles, teams, name, description, state}, undoable, undo_of,
    /// undone_at, undone_by.
    #[arg(long)]
    pub json: bool,
}

/// `zpro undo ID`.
#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The entry's id, as `zpro log` shows it.
    #[arg(value_name = "ID")]
    pub id: i64,
    /// Print JSON: {"undone": entry, "by": entry, "message"}.
    #[arg(long)]
    pub json: bool,
}
