//! The grammar of `zpro log` and `zpro undo` (clap derive); carried out in `commands::activity`.

use clap::Args;

/// Shown at the end of `zpro log --help`.
pub const LOG_HELP: &str = "\
Kinds (--kind): invite, revoke, resend, role_change, member_removal, org_rename, org_description,
  team_create, team_rename, team_description, team_delete, team_member_add, team_member_remove,
  team_role, workspace_state, workspace_rename, workspace_description, grant_add, grant_revoke,
  service_account_create, service_account_active, service_account_delete, api_key_create,
  api_key_rotate, api_key_active, api_key_delete (no entry ever holds a key's secret).
Reversible with `zpro undo ID`: role_change, invite, revoke, member_removal, org_rename, team_rename,
  workspace_rename, service_account_active, api_key_active (when they succeeded and were not undone
  yet; an undo can be undone too). An undo
  first refreshes the organization from the server and is refused as a conflict (exit 6) when the
  target changed since; entries older than 7 days need --force.

Examples:
  zpro log                                     the latest changes, newest first
  zpro log --failed --json                     what failed, as JSON
  zpro --org acme-ml log --kind role_change --search ana@
  zpro undo 42 --dry-run                       what undoing entry 42 would change, checked on the server
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
    /// At most this many entries (1 to 1000000).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 50,
        value_parser = crate::numbers::limit,
        allow_negative_numbers = true
    )]
    pub limit: usize,
    /// Skip this many entries first (with --limit, for the next page; 0 to 1000000000).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        value_parser = crate::numbers::offset,
        allow_negative_numbers = true
    )]
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
    #[arg(value_name = "ID", value_parser = crate::numbers::entry_id, allow_negative_numbers = true)]
    pub id: i64,
    /// Undo an entry older than 7 days (refused without it).
    #[arg(long)]
    pub force: bool,
    /// Only say what would change, against the organization as refreshed from the server now.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON: {"undone": entry, "by": entry, "message"} (with --dry-run: {"entry", "will",
    /// "needs_force", "age_days"}).
    #[arg(long)]
    pub json: bool,
}
